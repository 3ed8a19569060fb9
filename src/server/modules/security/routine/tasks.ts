import type { z } from 'zod';
import type { CompleteTaskBody, RoutineTaskBody, RoutineTaskUpdateBody } from '../../../../contracts/security-findings.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { Clock } from '../../../core/clock.js';
import type { Database } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { findTask, insertDone, insertTask, updateTask } from './queries.js';

type D = { db: Database; clock: Clock };

/** Tick off a routine task: who, when, and a note of what was found. */
export async function completeTask(d: D, actor: Actor, id: string, body: z.infer<typeof CompleteTaskBody>): Promise<void> {
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const t = await findTask(q, id);
    if (!t) throw new AppError('not_found');
    if (!t.active) throw new AppError('routine_task_inactive');
    await insertDone(q, actor.schoolId, id, actor.userId, d.clock.now(), body.note || null);
    await audit(q, d.clock, {
      ...who(actor),
      action: 'security.routine_done',
      target: `routine:${id}`,
      details: { task: t.title_en, frequency: t.frequency, ...(body.note ? { note: body.note } : {}) },
    });
  });
}

/** A task the school adds to its routine. */
export async function createTask(d: D, actor: Actor, body: z.infer<typeof RoutineTaskBody>): Promise<{ id: string }> {
  return d.db.schoolTx(actor.schoolId, async (q) => {
    const id = await insertTask(q, actor.schoolId, body, d.clock.now());
    await audit(q, d.clock, { ...who(actor), action: 'security.routine_changed', target: `routine:${id}`, details: { after: body } });
    return { id };
  });
}

/** Change a task's words, how often it is done, or take it out of the routine (`active: false`; its history stays). */
export async function editTask(d: D, actor: Actor, id: string, body: z.infer<typeof RoutineTaskUpdateBody>): Promise<void> {
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const before = await findTask(q, id);
    if (!before) throw new AppError('not_found');
    if (!(await updateTask(q, id, body))) throw new AppError('version_conflict');
    await audit(q, d.clock, {
      ...who(actor),
      action: 'security.routine_changed',
      target: `routine:${id}`,
      details: {
        before: { titleZh: before.title_zh, titleEn: before.title_en, frequency: before.frequency, active: before.active },
        after: { titleZh: body.titleZh, titleEn: body.titleEn, frequency: body.frequency, active: body.active },
      },
    });
  });
}
