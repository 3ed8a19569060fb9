import type { z } from 'zod';
import type { ReturnRowsBody } from '../../../../contracts/exchange.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { type Generated, correctStudentParticulars, returnTotals } from '../../school/service.js';
import { type ExchangeDeps, event } from '../common.js';
import { assertStep, mayPrepare } from '../policy.js';
import { type CorrectedRowValue, setReturnCorrections } from '../queries/corrections.js';
import { type ReturnRow, updateReturnData } from '../queries/returns.js';
import { filesOf } from '../rules.js';
import { changedRows, mergeCorrections, particularsOf, recordRefusal } from './corrections.js';
import { dutiesOf, returnRow, taskFor, validate } from './records.js';

/** Cells of files the template does not have, or of columns their file does not have (at most 50). */
function unknownCells(allowed: Record<string, string[]>, files: z.infer<typeof ReturnRowsBody>['files']): { path: string; code: string }[] {
  const errors: { path: string; code: string }[] = [];
  for (const [i, f] of files.entries()) {
    const cols = allowed[f.name];
    if (!cols) errors.push({ path: `files.${i}.name`, code: 'unknown_file' });
    else
      f.rows.forEach((row, j) =>
        Object.keys(row).forEach((k) => !cols.includes(k) && errors.push({ path: `files.${i}.rows.${j}.${k}`, code: 'unknown_column' })),
      );
  }
  return errors.slice(0, 50);
}

/**
 * The rows that differ from the stored ones are marked corrected; for the rows the person asked, the
 * corrected particulars are written to the student's record too, in the same transaction (a record
 * that refuses them refuses the whole edit). Returns the return's corrections after this edit.
 */
async function correctRows(
  d: ExchangeDeps,
  a: Actor,
  q: Queryable,
  r: Pick<ReturnRow, 'id' | 'data' | 'corrections'>,
  b: z.infer<typeof ReturnRowsBody>,
): Promise<CorrectedRowValue[]> {
  const { id, data: stored } = r;
  let corrections = r.corrections;
  const asked = b.records ?? [];
  for (const x of asked)
    if (!b.files.some((f) => f.name === x.file && x.row <= f.rows.length))
      throw new AppError('record_correction_invalid', { errors: [{ path: `${x.file}:${x.row}:regNo`, code: 'not_a_student_row' }] });
  for (const f of b.files) {
    const old = stored.files.find((x) => x.name === f.name);
    if (!old) continue;
    const changed = changedRows(old.rows, f.rows, old.columns);
    const recorded = new Set<number>();
    for (const { row } of asked.filter((x) => x.file === f.name)) {
      const regNo = old.rows[row - 1]?.regNo;
      if (!old.columns.includes('regNo') || !regNo)
        throw new AppError('record_correction_invalid', { errors: [{ path: `${f.name}:${row}:regNo`, code: 'not_a_student_row' }] });
      const cols = changed.get(row) ?? [];
      const patch = particularsOf(f.rows[row - 1] ?? {}, cols);
      if (!Object.keys(patch).length) continue;
      try {
        await correctStudentParticulars(q, d.clock, a, regNo, patch, `return:${id}`);
      } catch (err) {
        throw recordRefusal(err, f.name, row, cols);
      }
      recorded.add(row);
    }
    corrections = mergeCorrections(corrections, f.name, changed, recorded);
  }
  return corrections;
}

/**
 * Corrections by hand: replace the rows of the named files; cells must be the file's own columns.
 * Rows listed in `records` also correct the student's record.
 */
export async function editReturn(d: ExchangeDeps, a: Actor, id: string, b: z.infer<typeof ReturnRowsBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await returnRow(q, id, true);
    const t = await taskFor(q, r.delivery_id);
    if (!mayPrepare(a.userId, dutiesOf(t))) throw new AppError('forbidden');
    assertStep('edit', r.state);
    if (r.version !== b.version) throw new AppError('version_conflict');
    const errors = unknownCells(t.content?.template ? filesOf(t.content.template) : {}, b.files);
    if (errors.length) throw new AppError('validation_failed', { errors });
    const files = r.data.files.map((f) => ({ ...f, rows: b.files.find((x) => x.name === f.name)?.rows ?? f.rows }));
    // Totals follow the rows on every edit (the same computation that generated them).
    const data: Generated = { ...r.data, files, summary: returnTotals(r.kind, files, r.data.summary) };
    const problems = validate(t, data);
    // A return typed in by the school is all by hand; a generated one marks the rows corrected by hand.
    const corrections = r.kind === 'manual' ? [] : await correctRows(d, a, q, r, b);
    await updateReturnData(q, id, data, problems, d.clock.now());
    await setReturnCorrections(q, id, corrections);
    const records = corrections.filter((c) => c.record).length;
    await event(q, d.clock, {
      orgId: a.schoolId,
      deliveryId: r.delivery_id,
      returnId: id,
      event: 'return_edited',
      actor: a.username,
      details: { files: b.files.map((f) => f.name), problems: problems.length, corrected: corrections.length, records },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_edited',
      target: `return:${id}`,
      details: {
        files: b.files.map((f) => ({ name: f.name, rows: f.rows.length })),
        problems: problems.length,
        corrected: corrections.length,
        records,
      },
    });
  });
}
