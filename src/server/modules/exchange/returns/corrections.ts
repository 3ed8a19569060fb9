import { AppError } from '../../../core/errors.js';
import { CORRECTABLE_PARTICULARS, type ParticularsPatch } from '../../school/service.js';
import type { CorrectedRowValue } from '../queries/corrections.js';

/**
 * Corrections by hand, row by row: which cells changed, which rows the authority is told were
 * corrected, and what of a row is the student's record. Pure: the service reads and writes.
 */

type Row = Record<string, string>;

/** The columns whose cells differ, per row (1-based), between the rows as they were and as corrected. */
export function changedRows(before: Row[], after: Row[], columns: string[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  after.forEach((row, i) => {
    const old = before[i];
    const cols = columns.filter((c) => (old?.[c] ?? '') !== (row[c] ?? ''));
    if (cols.length) out.set(i + 1, cols);
  });
  return out;
}

/** A file's corrections after an edit: earlier ones kept (columns joined), new ones added; `recorded` rows reached the record. */
export function mergeCorrections(
  previous: CorrectedRowValue[],
  file: string,
  changed: Map<number, string[]>,
  recorded: ReadonlySet<number>,
): CorrectedRowValue[] {
  const byRow = new Map(previous.filter((c) => c.file === file).map((c) => [c.row, c]));
  for (const [row, cols] of changed) {
    const was = byRow.get(row);
    byRow.set(row, {
      file,
      row,
      columns: [...new Set([...(was?.columns ?? []), ...cols])],
      record: (was?.record ?? false) || recorded.has(row),
    });
  }
  for (const row of recorded) {
    const was = byRow.get(row);
    if (was) byRow.set(row, { ...was, record: true });
  }
  const mine = [...byRow.values()].sort((a, b) => a.row - b.row);
  return [...previous.filter((c) => c.file !== file), ...mine];
}

/** The corrected cells of a row that are also the student's record. */
export function particularsOf(row: Row, changedColumns: string[]): ParticularsPatch {
  const patch: ParticularsPatch = {};
  for (const c of CORRECTABLE_PARTICULARS) if (changedColumns.includes(c)) patch[c] = row[c] ?? '';
  return patch;
}

/** Which column a refusal of the record is about, where its code says it. */
const COLUMN_OF: Record<string, string> = {
  strn_invalid: 'strn',
  strn_taken: 'strn',
  reg_no_taken: 'regNo',
  dates_out_of_order: 'dateOfBirth',
  not_found: 'regNo',
};

/**
 * The student's record refused the correction: the whole edit is refused, naming the row's cell and
 * why (`file:row:column` as the template rules name cells). Not having the right stays a 403.
 */
export function recordRefusal(err: unknown, file: string, row: number, changedColumns: string[]): unknown {
  if (!(err instanceof AppError) || err.code === 'forbidden') return err;
  const cell = (column: string) => `${file}:${row}:${column}`;
  const errors =
    err.code === 'validation_failed' && err.extra.errors?.length
      ? err.extra.errors.map((e) => ({ path: cell(e.path), code: e.code }))
      : [{ path: cell(COLUMN_OF[err.code] ?? changedColumns[0] ?? ''), code: err.code }];
  return new AppError('record_correction_invalid', { errors });
}
