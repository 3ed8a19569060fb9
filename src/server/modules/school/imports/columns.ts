import type { z } from 'zod';
import type { ImportIssue } from '../../../../contracts/school.js';
import type { Sheet } from '../spreadsheet.js';
import type { Fields, Spec } from './spec.js';

/** More rows than this and the file is refused: split it. */
export const MAX_ROWS = 5000;

/**
 * The file as a whole: every header must be a known column, every required column present, and
 * the rows within the limit. A file that fails here is refused without looking at any row.
 */
export function checkColumns<P, C extends Fields, E extends Fields>(spec: Spec<P, C, E>, sheet: Sheet): z.infer<typeof ImportIssue>[] {
  const issues: z.infer<typeof ImportIssue>[] = [];
  for (const h of sheet.headers) if (!spec.columns[h]) issues.push({ row: 1, column: h, value: h, code: 'unknown_column' });
  for (const r of spec.required) if (!sheet.headers.includes(r)) issues.push({ row: 1, column: r, value: '', code: 'missing_column' });
  if (sheet.rows.length > MAX_ROWS) issues.push({ row: 0, column: '', value: String(sheet.rows.length), code: 'too_many_rows' });
  return issues;
}
