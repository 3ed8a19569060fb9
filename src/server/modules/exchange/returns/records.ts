import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import type { Generated } from '../../school/service.js';
import { type ExchangeDeps, event } from '../common.js';
import { type ReturnRow, findReturn, setReturnState } from '../queries/returns.js';
import { type ReturnTaskRow, findReturnTask } from '../queries/tasks.js';
import { type RowProblem, checkRows, parseRules } from '../rules.js';
import type { MessageContent, ReturnStateKey } from '../types.js';

/** What every return operation starts from: the task (with its delivery) and the return itself. */

export async function taskFor(q: Queryable, deliveryId: string, lock = false): Promise<ReturnTaskRow> {
  const t = await findReturnTask(q, deliveryId, lock);
  if (!t) throw new AppError('not_found');
  return t;
}

export async function returnRow(q: Queryable, id: string, lock = false): Promise<ReturnRow> {
  const r = await findReturn(q, id, lock);
  if (!r) throw new AppError('not_found');
  return r;
}

/** The task's people as the policies name them. */
export const dutiesOf = (t: Pick<ReturnTaskRow, 'owner_id' | 'backup_id' | 'checker_id'>) => ({
  ownerId: t.owner_id,
  backupId: t.backup_id,
  checkerId: t.checker_id,
});

/** The template's rules run over every row; empty means the return may go to the checker. */
export function validate(t: { content: MessageContent | null }, g: Generated): RowProblem[] {
  const tpl = t.content?.template;
  if (!tpl) return [];
  return checkRows(parseRules(tpl).rules, g.files);
}

export const problemErrors = (p: RowProblem[]) => p.slice(0, 100).map((x) => ({ path: `${x.file}:${x.row}:${x.column}`, code: x.rule }));

/** Every state a return passes through is kept, with its time and who moved it (null: the system). */
export async function setState(
  d: ExchangeDeps,
  q: Queryable,
  by: { schoolId: string; username: string | null },
  r: Pick<ReturnRow, 'id' | 'delivery_id' | 'state'>,
  state: ReturnStateKey,
  details: Record<string, unknown> = {},
): Promise<void> {
  await setReturnState(q, r.id, state, d.clock.now());
  await event(q, d.clock, {
    orgId: by.schoolId,
    deliveryId: r.delivery_id,
    returnId: r.id,
    event: `return_${state}`,
    actor: by.username,
    details: { from: r.state, ...details },
  });
}
