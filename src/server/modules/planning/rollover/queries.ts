import type { z } from 'zod';
import type { NumberOrder, PlanClass, RolloverAction } from '../../../../contracts/rollover.js';
import type { Queryable } from '../../../core/db/types.js';

// The rollover plan's own tables: rollover_plans, rollover_classes, rollover_decisions (migration 0032).

export interface PlanRow {
  id: string;
  from_year_id: string;
  to_code: string;
  to_starts_on: string;
  to_ends_on: string;
  number_order: z.infer<typeof NumberOrder>;
  status: 'draft' | 'migrated';
  version: number;
  migrated_at: Date | null;
  to_year_id: string | null;
  undo: unknown;
  checksum_before: Record<string, { rows: number; md5: string }> | null;
  checksum_after: Record<string, { rows: number; md5: string }> | null;
  decisions: number;
}

const PLAN_COLUMNS = `p.id, p.from_year_id, p.to_code, p.to_starts_on::text, p.to_ends_on::text, p.number_order, p.status, p.version,
  p.migrated_at, p.to_year_id, p.undo, p.checksum_before, p.checksum_after,
  (SELECT count(*)::int FROM rollover_decisions d WHERE d.plan_id = p.id) AS decisions`;

/** The plan in progress or last migrated: the newest by the year it rolls over from. */
export async function findLatestPlan(q: Queryable, lock = false): Promise<PlanRow | undefined> {
  const [p] = await q.query<PlanRow>(
    `SELECT ${PLAN_COLUMNS} FROM rollover_plans p ORDER BY p.to_starts_on DESC LIMIT 1${lock ? ' FOR UPDATE OF p' : ''}`,
  );
  return p;
}

export interface NewPlan {
  fromYearId: string;
  toCode: string;
  toStartsOn: string;
  toEndsOn: string;
  createdAt: Date;
  createdBy: string;
}

export async function insertPlan(q: Queryable, schoolId: string, p: NewPlan): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO rollover_plans (school_id, from_year_id, to_code, to_starts_on, to_ends_on, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [schoolId, p.fromYearId, p.toCode, p.toStartsOn, p.toEndsOn, p.createdAt, p.createdBy],
  );
  if (!r) throw new Error('plan not created');
  return r.id;
}

export async function deletePlan(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM rollover_plans WHERE id = $1', [id]);
}

/** Bumps the plan's version; false when `version` is no longer the stored one (someone else changed it). */
export async function bumpPlanVersion(q: Queryable, id: string, version: number): Promise<boolean> {
  const r = await q.query<{ id: string }>('UPDATE rollover_plans SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING id', [
    id,
    version,
  ]);
  return r.length === 1;
}

export async function setNumberOrder(q: Queryable, id: string, order: z.infer<typeof NumberOrder>): Promise<void> {
  await q.query('UPDATE rollover_plans SET number_order = $2 WHERE id = $1', [id, order]);
}

export async function markMigrated(
  q: Queryable,
  id: string,
  m: { toYearId: string; at: Date; by: string; undo: unknown; before: unknown; after: unknown },
): Promise<void> {
  await q.query(
    `UPDATE rollover_plans SET status = 'migrated', version = version + 1, to_year_id = $2, migrated_at = $3, migrated_by = $4,
            undo = $5::jsonb, checksum_before = $6::jsonb, checksum_after = $7::jsonb WHERE id = $1`,
    [id, m.toYearId, m.at, m.by, JSON.stringify(m.undo), JSON.stringify(m.before), JSON.stringify(m.after)],
  );
}

export async function markUndone(q: Queryable, id: string): Promise<void> {
  await q.query(
    `UPDATE rollover_plans SET status = 'draft', version = version + 1, to_year_id = NULL, migrated_at = NULL, migrated_by = NULL,
            undo = NULL, checksum_before = NULL, checksum_after = NULL WHERE id = $1`,
    [id],
  );
}

// ---- Classes ----------------------------------------------------------------------------------

export interface PlanClassRow {
  code: string;
  level: z.infer<typeof PlanClass>['level'];
  name_zh: string;
  name_en: string;
  stream: string | null;
  capacity: number;
  subjects_from: string | null;
}

export async function listPlanClasses(q: Queryable, planId: string): Promise<PlanClassRow[]> {
  return q.query<PlanClassRow>(
    'SELECT code, level, name_zh, name_en, stream, capacity, subjects_from FROM rollover_classes WHERE plan_id = $1 ORDER BY position',
    [planId],
  );
}

export async function replacePlanClasses(q: Queryable, schoolId: string, planId: string, cs: z.infer<typeof PlanClass>[]): Promise<void> {
  await q.query('DELETE FROM rollover_classes WHERE plan_id = $1', [planId]);
  if (!cs.length) return;
  await q.query(
    `INSERT INTO rollover_classes (school_id, plan_id, position, code, level, name_zh, name_en, stream, capacity, subjects_from)
     SELECT $1, $2, x.n, x.code, x.level, x.name_zh, x.name_en, x.stream, x.capacity, x.subjects_from
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::uuid[])
          WITH ORDINALITY AS x(code, level, name_zh, name_en, stream, capacity, subjects_from, n)`,
    [
      schoolId,
      planId,
      cs.map((c) => c.code),
      cs.map((c) => c.level),
      cs.map((c) => c.nameZh),
      cs.map((c) => c.nameEn),
      cs.map((c) => c.stream),
      cs.map((c) => c.capacity),
      cs.map((c) => c.subjectsFrom),
    ],
  );
}

// ---- Decisions --------------------------------------------------------------------------------

export interface DecisionRow {
  student_id: string;
  action: z.infer<typeof RolloverAction>;
  class_code: string | null;
  reason: string | null;
}

export async function listDecisions(q: Queryable, planId: string): Promise<DecisionRow[]> {
  return q.query<DecisionRow>('SELECT student_id, action, class_code, reason FROM rollover_decisions WHERE plan_id = $1', [planId]);
}

export async function upsertDecision(
  q: Queryable,
  schoolId: string,
  planId: string,
  d: { studentId: string; action: string; classCode: string | null; reason: string | null; by: string; at: Date },
): Promise<DecisionRow | undefined> {
  const [before] = await q.query<DecisionRow>(
    'SELECT student_id, action, class_code, reason FROM rollover_decisions WHERE plan_id = $1 AND student_id = $2',
    [planId, d.studentId],
  );
  await q.query(
    `INSERT INTO rollover_decisions (school_id, plan_id, student_id, action, class_code, reason, decided_by, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (plan_id, student_id) DO UPDATE SET action = EXCLUDED.action, class_code = EXCLUDED.class_code,
       reason = EXCLUDED.reason, decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at`,
    [schoolId, planId, d.studentId, d.action, d.classCode, d.reason, d.by, d.at],
  );
  return before;
}

export async function deleteDecision(q: Queryable, planId: string, studentId: string): Promise<DecisionRow | undefined> {
  const [r] = await q.query<DecisionRow>(
    'DELETE FROM rollover_decisions WHERE plan_id = $1 AND student_id = $2 RETURNING student_id, action, class_code, reason',
    [planId, studentId],
  );
  return r;
}
