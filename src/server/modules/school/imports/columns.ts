import type { z } from 'zod';
import {
  IMPORT_COLUMNS,
  type HeaderLanguage,
  type ImportColumnSpec,
  type ImportKindName,
  columnOfHeader,
  headerOf as header,
} from '../../../../contracts/import-columns.js';
import type { ImportIssue } from '../../../../contracts/school.js';
import type { Sheet } from '../spreadsheet.js';

/** More rows than this and the file is refused: split it. */
export const MAX_ROWS = 5000;

/** The file's headers as the kind's columns: which column each header is (in either language). */
export interface Columns {
  /** The file's header for each column present, by field. */
  headerOf: Map<string, string>;
  /** The column spec for each field present. */
  specOf: Map<string, ImportColumnSpec>;
  /** Whether rows can be read at all (every key column is there). */
  readable: boolean;
  /** The language the file's headers are in: problems name a column the file lacks in it. */
  lang: HeaderLanguage;
}

/**
 * The file as a whole: every header a known column (English or Chinese), none twice, every key
 * column present, and the rows within the limit. Unknown headers do not stop the rows being checked;
 * a missing key column does (rows cannot be matched to records without it).
 */
export function checkColumns(kind: ImportKindName, sheet: Sheet, issues: z.infer<typeof ImportIssue>[]): Columns {
  const headerOf = new Map<string, string>();
  const specOf = new Map<string, ImportColumnSpec>();
  for (const h of sheet.headers) {
    if (h === '') continue;
    const col = columnOfHeader(kind, h);
    if (!col) issues.push({ row: 1, column: h, value: h, code: 'unknown_column' });
    else if (headerOf.has(col.field)) issues.push({ row: 1, column: h, value: h, code: 'duplicate_column' });
    else {
      headerOf.set(col.field, h);
      specOf.set(col.field, col);
    }
  }
  const chinese = sheet.headers.filter((h) => /[\u0080-\uffff]/.test(h)).length;
  const lang: HeaderLanguage = chinese * 2 > sheet.headers.filter(Boolean).length ? 'zh' : 'en';
  let readable = true;
  for (const col of IMPORT_COLUMNS[kind])
    if (col.required === 'key' && !headerOf.has(col.field)) {
      issues.push({ row: 1, column: header(col, lang), value: '', code: 'missing_column' });
      readable = false;
    }
  if (sheet.rows.length > MAX_ROWS) {
    issues.push({ row: 0, column: '', value: String(sheet.rows.length), code: 'too_many_rows' });
    readable = false;
  }
  return { headerOf, specOf, readable, lang };
}
