/** What the import screen needs to know about each kind of file (the server checks everything again). */
import { formatDate } from '../../components/format.js';
import {
  type HeaderLanguage,
  IMPORT_COLUMNS,
  type ImportColumnSpec,
  type ImportKindName,
  headerOf,
} from '../../../contracts/import-columns.js';
import type { PermissionKey } from '../../../contracts/permissions.js';

export type { HeaderLanguage, ImportKindName };

export const IMPORT_KINDS: readonly ImportKindName[] = ['students', 'staff', 'classes', 'class_subjects'];

/** The right each kind's import needs. */
export const IMPORT_PERMISSION: Record<ImportKindName, PermissionKey> = {
  students: 'students.manage',
  staff: 'staff.manage',
  classes: 'school.setup.manage',
  class_subjects: 'school.setup.manage',
};

/** Any one of these opens the import and export page. */
export const IMPORT_EXPORT_PERMISSIONS: readonly PermissionKey[] = [
  'students.manage',
  'staff.manage',
  'school.setup.manage',
  'students.read',
  'staff.read',
];

/** The columns of each kind, with their English and Chinese headers (the server reads either). */
export { IMPORT_COLUMNS };
export type { ImportColumnSpec };

/** The headers' language for the person's screen language. */
export const headerLanguage = (language: string): HeaderLanguage => (language.startsWith('zh') ? 'zh' : 'en');

/** A calendar date (YYYY-MM-DD) in Hong Kong's way: 01/09/2026, or 2026年9月1日. */
export const hongKongDay = (day: string, language: string): string => formatDate(day, language);

/** The server's limit for an imported file. */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

/** A headers-only CSV in the person's language (UTF-8 with a byte-order mark, so Excel keeps Chinese text when it is filled in). */
export function templateCsv(kind: ImportKindName, lang: HeaderLanguage): string {
  return `\uFEFF${IMPORT_COLUMNS[kind].map((c) => headerOf(c, lang)).join(',')}\r\n`;
}

/** Base64 of the bytes, in chunks (a multiple of 3 bytes each) so an 8 MB file does not overflow the call stack. */
export function toBase64(bytes: Uint8Array): string {
  const CHUNK = 3 * 8192;
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const slice = bytes.subarray(start, start + CHUNK);
    let binary = '';
    for (let i = 0; i < slice.length; i += 4096) binary += String.fromCharCode(...slice.subarray(i, i + 4096));
    parts.push(btoa(binary));
  }
  return parts.join('');
}
