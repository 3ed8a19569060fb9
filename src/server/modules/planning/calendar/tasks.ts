import type { z } from 'zod';
import type { DoneBody, TaskUpdateBody } from '../../../../contracts/planning-calendar.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import { AppError } from '../../../core/errors.js';
import { findExchangeTaskBrief } from '../../exchange/service.js';
import { type PlanningDeps, assertOwner } from './common.js';
import { findTask, setTaskDone, setTaskOpen, updateTask } from './queries/tasks.js';

/** Name a task's owner, move its due date, link it to the exchange task it is about (or unlink). */
export async function editTask(d: PlanningDeps, actor: Actor, id: string, body: z.infer<typeof TaskUpdateBody>): Promise<void> {
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const before = await findTask(q, id, true);
    if (!before) throw new AppError('not_found');
    await assertOwner(q, body.ownerId);
    if (body.exchangeTaskId && !(await findExchangeTaskBrief(q, d.clock.now(), body.exchangeTaskId)))
      throw new AppError('exchange_task_unknown');
    if (!(await updateTask(q, id, body))) throw new AppError('version_conflict');
    await audit(q, d.clock, {
      ...who(actor),
      action: 'planning.task_changed',
      target: `planning-task:${id}`,
      details: {
        task: before.title_en,
        before: { ownerId: before.owner_id, dueOn: before.due_on, exchangeTaskId: before.exchange_task_id },
        after: { ownerId: body.ownerId, dueOn: body.dueOn, exchangeTaskId: body.exchangeTaskId },
      },
    });
  });
}

/** Mark a task done: who, when, and a note. */
export async function markTaskDone(d: PlanningDeps, actor: Actor, id: string, body: z.infer<typeof DoneBody>): Promise<void> {
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const t = await findTask(q, id, true);
    if (!t) throw new AppError('not_found');
    if (t.status === 'done') throw new AppError('planning_already_done');
    await setTaskDone(q, id, actor.userId, d.clock.now(), body.note || null);
    await audit(q, d.clock, {
      ...who(actor),
      action: 'planning.task_done',
      target: `planning-task:${id}`,
      details: { task: t.title_en, year: t.start_year, ...(body.note ? { note: body.note } : {}) },
    });
  });
}

/** Open a done task again (it was marked by mistake, or there is more to do). */
export async function reopenTask(d: PlanningDeps, actor: Actor, id: string): Promise<void> {
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const t = await findTask(q, id, true);
    if (!t) throw new AppError('not_found');
    if (t.status === 'open') return;
    await setTaskOpen(q, id);
    await audit(q, d.clock, {
      ...who(actor),
      action: 'planning.task_reopened',
      target: `planning-task:${id}`,
      details: { task: t.title_en, year: t.start_year, doneAt: t.done_at?.toISOString() ?? null },
    });
  });
}
