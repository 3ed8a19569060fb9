import type { Queryable } from '../../../core/db/types.js';
import type { Step } from './policy.js';

/** The transition plan into a school year and its steps. */

export interface PlanRow {
  id: string;
  start_year: number;
  created_at: Date;
  created_by: string | null;
}

const NAME = (u: string) => `coalesce(${u}.display_name_zh || ' ' || ${u}.display_name_en, ${u}.display_name_en)`;

export async function findPlan(q: Queryable, startYear: number): Promise<PlanRow | undefined> {
  const [r] = await q.query<PlanRow>(
    `SELECT p.id, p.start_year, p.created_at, ${NAME('u')} AS created_by FROM planning_transition_plans p LEFT JOIN users u ON u.id = p.created_by
      WHERE p.start_year = $1`,
    [startYear],
  );
  return r;
}

/** Start the plan into a year with its steps; undefined when the year has one already. */
export async function insertPlan(
  q: Queryable,
  schoolId: string,
  startYear: number,
  by: string,
  at: Date,
  steps: readonly { step: Step; position: number; dueOn: string }[],
): Promise<string | undefined> {
  const [p] = await q.query<{ id: string }>(
    `INSERT INTO planning_transition_plans (school_id, start_year, created_at, created_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (school_id, start_year) DO NOTHING RETURNING id`,
    [schoolId, startYear, at, by],
  );
  if (!p) return undefined;
  await q.query(
    `INSERT INTO planning_transition_steps (school_id, plan_id, step, position, due_on)
     SELECT $1, $2, s, n, d FROM unnest($3::text[], $4::smallint[], $5::date[]) AS t(s, n, d)`,
    [schoolId, p.id, steps.map((s) => s.step), steps.map((s) => s.position), steps.map((s) => s.dueOn)],
  );
  return p.id;
}

export interface StepRow {
  id: string;
  plan_id: string;
  start_year: number;
  step: Step;
  owner_id: string | null;
  owner: string | null;
  due_on: string;
  done_at: Date | null;
  done_by: string | null;
  note: string | null;
  version: number;
}

const STEP_SELECT = `SELECT s.id, s.plan_id, p.start_year, s.step, s.owner_id, ${NAME('uo')} AS owner, s.due_on::text, s.done_at, ${NAME('ud')} AS done_by,
                            s.note, s.version
                       FROM planning_transition_steps s JOIN planning_transition_plans p ON p.id = s.plan_id
                       LEFT JOIN users uo ON uo.id = s.owner_id LEFT JOIN users ud ON ud.id = s.done_by`;

export async function listSteps(q: Queryable, planId: string): Promise<StepRow[]> {
  return q.query<StepRow>(`${STEP_SELECT} WHERE s.plan_id = $1 ORDER BY s.position`, [planId]);
}

/** A step, its plan's other steps locked with it (marking one done reads the others). */
export async function lockPlanSteps(q: Queryable, stepId: string): Promise<StepRow[]> {
  return q.query<StepRow>(
    `${STEP_SELECT} WHERE s.plan_id = (SELECT plan_id FROM planning_transition_steps WHERE id = $1) ORDER BY s.position FOR UPDATE OF s`,
    [stepId],
  );
}

/** Open steps due on or before `upTo` of plans into years from `fromYear` on: the reminders' list. */
export async function listOpenStepsDueBy(q: Queryable, upTo: string, fromYear: number): Promise<StepRow[]> {
  return q.query<StepRow>(`${STEP_SELECT} WHERE s.done_at IS NULL AND s.due_on <= $1::date AND p.start_year >= $2 ORDER BY s.due_on`, [
    upTo,
    fromYear,
  ]);
}

export async function updateStep(
  q: Queryable,
  id: string,
  s: { ownerId: string | null; dueOn: string; version: number },
): Promise<boolean> {
  const rows = await q.query(
    'UPDATE planning_transition_steps SET owner_id = $2, due_on = $3, version = version + 1 WHERE id = $1 AND version = $4 RETURNING id',
    [id, s.ownerId, s.dueOn, s.version],
  );
  return rows.length > 0;
}

export async function setStepDone(q: Queryable, id: string, by: string, at: Date, note: string | null): Promise<void> {
  await q.query('UPDATE planning_transition_steps SET done_at = $3, done_by = $2, note = $4, version = version + 1 WHERE id = $1', [
    id,
    by,
    at,
    note,
  ]);
}

export async function setStepOpen(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE planning_transition_steps SET done_at = NULL, done_by = NULL, note = NULL, version = version + 1 WHERE id = $1', [
    id,
  ]);
}
