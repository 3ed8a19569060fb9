import type { z } from 'zod';
import type { RoutineView } from '../../../../contracts/security-findings.js';
import type { Clock } from '../../../core/clock.js';
import type { Database, Queryable } from '../../../core/db/types.js';
import { routineDue, routineState } from '../findings/policy.js';
import { DEFAULT_TASKS } from './defaults.js';
import { countTasks, insertDefaultTasks, listRecentDone, listTasks, type TaskRow } from './queries.js';

/** Completions shown under the routine. */
const RECENT = 30;

export const ensureDefaultTasks = (q: Queryable, schoolId: string, now: Date): Promise<void> =>
  insertDefaultTasks(q, schoolId, DEFAULT_TASKS, now);

/** When a task falls due and where it stands now. */
export function taskTiming(t: TaskRow, now: Date): { due: Date; state: 'done' | 'due' | 'late' } {
  const due = routineDue(t.frequency, t.last_done_at, t.created_at);
  return { due, state: routineState(t.frequency, due, now) };
}

/** The school's routine: each task with when it is next due, and the latest completions. A school starts with the defaults. */
export async function getRoutine(d: { db: Database; clock: Clock }, schoolId: string): Promise<z.infer<typeof RoutineView>> {
  const now = d.clock.now();
  if ((await d.db.school(schoolId, countTasks)) === 0) await d.db.schoolTx(schoolId, (q) => ensureDefaultTasks(q, schoolId, now));
  return d.db.school(schoolId, async (q) => {
    const tasks = await listTasks(q);
    const recent = await listRecentDone(q, RECENT);
    return {
      tasks: tasks.map((t) => {
        const timing = taskTiming(t, now);
        return {
          id: t.id,
          key: t.default_key,
          titleZh: t.title_zh,
          titleEn: t.title_en,
          frequency: t.frequency,
          active: t.active,
          version: t.version,
          lastDoneAt: t.last_done_at?.toISOString() ?? null,
          lastDoneBy: t.last_done_by,
          lastNote: t.last_note,
          dueAt: timing.due.toISOString(),
          state: timing.state,
        };
      }),
      recent: recent.map((r) => ({ taskId: r.task_id, doneAt: r.done_at.toISOString(), doneBy: r.done_by, note: r.note })),
    };
  });
}
