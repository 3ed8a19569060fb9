import type { Queryable } from '../../../../core/db/types.js';

/** The calendar's templates: the year's major tasks by month (shipped ones and the school's own). */

export interface TemplateRow {
  id: string;
  default_key: string | null;
  title_zh: string;
  title_en: string;
  month: number;
  due_day: number;
  owner_id: string | null;
  owner: string | null;
  active: boolean;
  version: number;
}

const SELECT = `SELECT t.id, t.default_key, t.title_zh, t.title_en, t.month, t.due_day, t.owner_id,
                       coalesce(u.display_name_zh || ' ' || u.display_name_en, u.display_name_en) AS owner, t.active, t.version
                  FROM planning_task_templates t LEFT JOIN users u ON u.id = t.owner_id`;
/** September first, then by day. */
const ORDER = `ORDER BY (t.month + 3) % 12, t.due_day, t.title_en`;

export async function listTemplates(q: Queryable): Promise<TemplateRow[]> {
  return q.query<TemplateRow>(`${SELECT} ${ORDER}`);
}

export async function findTemplate(q: Queryable, id: string): Promise<TemplateRow | undefined> {
  const [r] = await q.query<TemplateRow>(`${SELECT} WHERE t.id = $1`, [id]);
  return r;
}

export async function countTemplates(q: Queryable): Promise<number> {
  const [r] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM planning_task_templates');
  return r?.n ?? 0;
}

/** Add the shipped templates a school does not have yet (each once ever: a school's edits and retirements stay). */
export async function insertDefaultTemplates(
  q: Queryable,
  schoolId: string,
  templates: readonly { key: string; month: number; day: number; titleZh: string; titleEn: string }[],
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO planning_task_templates (school_id, default_key, title_zh, title_en, month, due_day, created_at)
     SELECT $1, k, z, e, m, d, $7 FROM unnest($2::text[], $3::text[], $4::text[], $5::smallint[], $6::smallint[]) AS t(k, z, e, m, d)
     ON CONFLICT (school_id, default_key) DO NOTHING`,
    [
      schoolId,
      templates.map((t) => t.key),
      templates.map((t) => t.titleZh),
      templates.map((t) => t.titleEn),
      templates.map((t) => t.month),
      templates.map((t) => t.day),
      now,
    ],
  );
}

export interface TemplateFields {
  titleZh: string;
  titleEn: string;
  month: number;
  day: number;
  ownerId: string | null;
}

export async function insertTemplate(q: Queryable, schoolId: string, t: TemplateFields, now: Date): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO planning_task_templates (school_id, title_zh, title_en, month, due_day, owner_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [schoolId, t.titleZh, t.titleEn, t.month, t.day, t.ownerId, now],
  );
  if (!r) throw new Error('template not created');
  return r.id;
}

/** Change a template if it is still at `version`; false when someone changed it first. */
export async function updateTemplate(q: Queryable, id: string, t: TemplateFields & { active: boolean; version: number }): Promise<boolean> {
  const rows = await q.query(
    `UPDATE planning_task_templates SET title_zh = $2, title_en = $3, month = $4, due_day = $5, owner_id = $6, active = $7, version = version + 1
      WHERE id = $1 AND version = $8 RETURNING id`,
    [id, t.titleZh, t.titleEn, t.month, t.day, t.ownerId, t.active, t.version],
  );
  return rows.length > 0;
}
