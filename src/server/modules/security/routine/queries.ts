import type { Queryable } from '../../../core/db/types.js';
import type { Frequency } from '../findings/policy.js';

/** The routine's SQL: tasks, who did them and when. */

export interface TaskRow {
  id: string;
  default_key: string | null;
  title_zh: string;
  title_en: string;
  frequency: Frequency;
  active: boolean;
  created_at: Date;
  version: number;
  last_done_at: Date | null;
  last_done_by: string | null;
  last_note: string | null;
}

/** Every task with its latest completion. */
export async function listTasks(q: Queryable): Promise<TaskRow[]> {
  return q.query<TaskRow>(
    `SELECT t.id, t.default_key, t.title_zh, t.title_en, t.frequency, t.active, t.created_at, t.version,
            d.done_at AS last_done_at, coalesce(u.display_name_zh || ' ' || u.display_name_en, u.display_name_en) AS last_done_by, d.note AS last_note
       FROM security_routine_tasks t
       LEFT JOIN LATERAL (SELECT done_at, done_by, note FROM security_routine_done WHERE task_id = t.id ORDER BY done_at DESC LIMIT 1) d ON true
       LEFT JOIN users u ON u.id = d.done_by
      ORDER BY t.active DESC, CASE t.frequency WHEN 'daily' THEN 0 WHEN 'weekly' THEN 1 WHEN 'monthly' THEN 2 ELSE 3 END, t.created_at, t.title_en`,
  );
}

export async function findTask(q: Queryable, id: string): Promise<TaskRow | undefined> {
  return (await listTasks(q)).find((t) => t.id === id);
}

/** Add the default tasks a school does not have yet (each once ever: a school's edits and removals stay). */
export async function insertDefaultTasks(
  q: Queryable,
  schoolId: string,
  tasks: readonly { key: string; frequency: Frequency; titleEn: string; titleZh: string }[],
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO security_routine_tasks (school_id, default_key, title_zh, title_en, frequency, created_at)
     SELECT $1, k, z, e, f, $6 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(k, z, e, f)
     ON CONFLICT (school_id, default_key) DO NOTHING`,
    [schoolId, tasks.map((t) => t.key), tasks.map((t) => t.titleZh), tasks.map((t) => t.titleEn), tasks.map((t) => t.frequency), now],
  );
}

export async function countTasks(q: Queryable): Promise<number> {
  const [r] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM security_routine_tasks');
  return r?.n ?? 0;
}

export async function insertTask(
  q: Queryable,
  schoolId: string,
  t: { titleZh: string; titleEn: string; frequency: Frequency },
  now: Date,
): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO security_routine_tasks (school_id, title_zh, title_en, frequency, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [schoolId, t.titleZh, t.titleEn, t.frequency, now],
  );
  if (!r) throw new Error('routine task not created');
  return r.id;
}

/** Change a task if it is still at `version`; false when someone changed it first. */
export async function updateTask(
  q: Queryable,
  id: string,
  t: { titleZh: string; titleEn: string; frequency: Frequency; active: boolean; version: number },
): Promise<boolean> {
  const rows = await q.query(
    `UPDATE security_routine_tasks SET title_zh = $2, title_en = $3, frequency = $4, active = $5, version = version + 1
      WHERE id = $1 AND version = $6 RETURNING id`,
    [id, t.titleZh, t.titleEn, t.frequency, t.active, t.version],
  );
  return rows.length > 0;
}

export async function insertDone(q: Queryable, schoolId: string, taskId: string, by: string, at: Date, note: string | null): Promise<void> {
  await q.query('INSERT INTO security_routine_done (school_id, task_id, done_at, done_by, note) VALUES ($1, $2, $3, $4, $5)', [
    schoolId,
    taskId,
    at,
    by,
    note,
  ]);
}

export interface DoneRow {
  task_id: string;
  done_at: Date;
  done_by: string | null;
  note: string | null;
}
export async function listRecentDone(q: Queryable, limit: number): Promise<DoneRow[]> {
  return q.query<DoneRow>(
    `SELECT d.task_id, d.done_at, coalesce(u.display_name_zh || ' ' || u.display_name_en, u.display_name_en) AS done_by, d.note FROM security_routine_done d LEFT JOIN users u ON u.id = d.done_by
      ORDER BY d.done_at DESC LIMIT $1`,
    [limit],
  );
}

/** Active holders of a permission, with the language they use (reminders are worded in it). */
export async function listHoldersWithLocale(q: Queryable, permission: string): Promise<{ id: string; locale: 'zh-HK' | 'en' }[]> {
  return q.query(
    `SELECT DISTINCT u.id, u.locale FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
      WHERE rp.permission = $1 AND u.status = 'active'`,
    [permission],
  );
}
