import type { z } from 'zod';
import type { ReturnRowsBody } from '../../../../contracts/exchange.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import type { Generated } from '../../school/service.js';
import { type ExchangeDeps, event } from '../common.js';
import { assertStep, mayPrepare } from '../policy.js';
import { updateReturnData } from '../queries/returns.js';
import { filesOf } from '../rules.js';
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

/** Corrections by hand: replace the rows of the named files; cells must be the file's own columns. */
export async function editReturn(d: ExchangeDeps, a: Actor, id: string, b: z.infer<typeof ReturnRowsBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await returnRow(q, id, true);
    const t = await taskFor(q, r.delivery_id);
    if (!mayPrepare(a.userId, dutiesOf(t))) throw new AppError('forbidden');
    assertStep('edit', r.state);
    if (r.version !== b.version) throw new AppError('version_conflict');
    const errors = unknownCells(t.content?.template ? filesOf(t.content.template) : {}, b.files);
    if (errors.length) throw new AppError('validation_failed', { errors });
    const data: Generated = {
      ...r.data,
      files: r.data.files.map((f) => ({ ...f, rows: b.files.find((x) => x.name === f.name)?.rows ?? f.rows })),
    };
    const problems = validate(t, data);
    await updateReturnData(q, id, data, problems, d.clock.now());
    await event(q, d.clock, {
      orgId: a.schoolId,
      deliveryId: r.delivery_id,
      returnId: id,
      event: 'return_edited',
      actor: a.username,
      details: { files: b.files.map((f) => f.name), problems: problems.length },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_edited',
      target: `return:${id}`,
      details: { files: b.files.map((f) => ({ name: f.name, rows: f.rows.length })), problems: problems.length },
    });
  });
}
