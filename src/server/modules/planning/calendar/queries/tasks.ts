import type { Queryable } from '../../../../core/db/types.js';

/** The calendar's tasks of one school year. */

export interface TaskRow {
  id: string;
  start_year: number;
  template_id: string | null;
  default_key: string | null;
  title_zh: string;
  title_en: string;
  month: number;
  due_on: string;
  owner_id: string | null;
  owner: string | null;
  exchange_task_id: string | null;
  status: 'open' | 'done';
  done_at: Date | null;
  done_by: string | null;
  note: string | null;
  version: number;
}

const NAME = (u: string) => `coalesce(${u}.display_name_zh || ' ' || ${u}.display_name_en, ${u}.display_name_en)`;
const SELECT = `SELECT t.id, t.start_year, t.template_id, tp.default_key, t.title_zh, t.title_en, t.month, t.due_on::text, t.owner_id,
                       ${NAME('uo')} AS owner, t.exchange_task_id, t.status, t.done_at, ${NAME('ud')} AS done_by, t.note, t.version
                  FROM planning_tasks t LEFT JOIN planning_task_templates tp ON tp.id = t.template_id
                  LEFT JOIN users uo ON uo.id = t.owner_id LEFT JOIN users ud ON ud.id = t.done_by`;

export async function listYearTasks(q: Queryable, startYear: number): Promise<TaskRow[]> {
  return q.query<TaskRow>(`${SELECT} WHERE t.start_year = $1 ORDER BY t.due_on, t.title_en`, [startYear]);
}

export async function findTask(q: Queryable, id: string, lock = false): Promise<TaskRow | undefined> {
  const [r] = await q.query<TaskRow>(`${SELECT} WHERE t.id = $1${lock ? ' FOR UPDATE OF t' : ''}`, [id]);
  return r;
}

/** Open tasks due on or before `upTo` (any year): the reminders' list. */
export async function listOpenTasksDueBy(q: Queryable, upTo: string): Promise<TaskRow[]> {
  return q.query<TaskRow>(`${SELECT} WHERE t.status = 'open' AND t.due_on <= $1::date ORDER BY t.due_on`, [upTo]);
}

export interface NewTask {
  templateId: string;
  titleZh: string;
  titleEn: string;
  month: number;
  dueOn: string;
  ownerId: string | null;
}

/** Make a year's tasks; one per template and year, so making them again adds nothing. How many were added. */
export async function insertYearTasks(
  q: Queryable,
  schoolId: string,
  startYear: number,
  tasks: readonly NewTask[],
  now: Date,
): Promise<number> {
  if (!tasks.length) return 0;
  const rows = await q.query(
    `INSERT INTO planning_tasks (school_id, start_year, template_id, title_zh, title_en, month, due_on, owner_id, created_at)
     SELECT $1, $2, tid, z, e, m, d, o, $9
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::smallint[], $7::date[], $8::uuid[]) AS t(tid, z, e, m, d, o)
     ON CONFLICT (school_id, start_year, template_id) DO NOTHING RETURNING id`,
    [
      schoolId,
      startYear,
      tasks.map((t) => t.templateId),
      tasks.map((t) => t.titleZh),
      tasks.map((t) => t.titleEn),
      tasks.map((t) => t.month),
      tasks.map((t) => t.dueOn),
      tasks.map((t) => t.ownerId),
      now,
    ],
  );
  return rows.length;
}

export async function countYearTasks(q: Queryable, startYear: number): Promise<number> {
  const [r] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM planning_tasks WHERE start_year = $1', [startYear]);
  return r?.n ?? 0;
}

/** Change a task's owner, due date and exchange link if it is still at `version`. */
export async function updateTask(
  q: Queryable,
  id: string,
  t: { ownerId: string | null; dueOn: string; exchangeTaskId: string | null; version: number },
): Promise<boolean> {
  const rows = await q.query(
    `UPDATE planning_tasks SET owner_id = $2, due_on = $3, exchange_task_id = $4, version = version + 1 WHERE id = $1 AND version = $5 RETURNING id`,
    [id, t.ownerId, t.dueOn, t.exchangeTaskId, t.version],
  );
  return rows.length > 0;
}

export async function setTaskDone(q: Queryable, id: string, by: string, at: Date, note: string | null): Promise<void> {
  await q.query(`UPDATE planning_tasks SET status = 'done', done_at = $3, done_by = $2, note = $4, version = version + 1 WHERE id = $1`, [
    id,
    by,
    at,
    note,
  ]);
}

export async function setTaskOpen(q: Queryable, id: string): Promise<void> {
  await q.query(
    `UPDATE planning_tasks SET status = 'open', done_at = NULL, done_by = NULL, note = NULL, version = version + 1 WHERE id = $1`,
    [id],
  );
}
