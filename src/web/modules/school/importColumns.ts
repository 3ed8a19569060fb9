/** What the import screen needs to know about each kind of file (the server checks everything again). */
import type { PermissionKey } from '../../../contracts/permissions.js';
export type ImportKindName = 'students' | 'staff' | 'classes' | 'class_subjects';

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

export interface ImportColumn {
  name: string;
  required: boolean;
}

const col = (name: string, required = false): ImportColumn => ({ name, required });

/** The columns in the order the template offers them (the first row of the file, lower case). */
export const IMPORT_COLUMNS: Record<ImportKindName, readonly ImportColumn[]> = {
  students: [
    col('reg_no', true),
    col('strn'),
    col('name_zh'),
    col('name_en', true),
    col('sex', true),
    col('date_of_birth', true),
    col('id_type', true),
    col('id_number', true),
    col('entry_date', true),
    col('status'),
    col('leave_date'),
    col('leave_reason'),
    col('class'),
    col('class_number'),
  ],
  staff: [
    col('staff_code', true),
    col('name_zh'),
    col('name_en', true),
    col('post'),
    col('status'),
    col('join_date'),
    col('leave_date'),
    col('email'),
  ],
  classes: [col('code', true), col('level', true), col('name_zh', true), col('name_en', true), col('stream'), col('class_teachers')],
  class_subjects: [col('class', true), col('subject_code', true), col('medium', true), col('teachers')],
};

/** The server's limit for an imported file. */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

/** A headers-only CSV (UTF-8 with a byte-order mark, so Excel keeps Chinese text when it is filled in). */
export function templateCsv(kind: ImportKindName): string {
  return `\uFEFF${IMPORT_COLUMNS[kind].map((c) => c.name).join(',')}\r\n`;
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
