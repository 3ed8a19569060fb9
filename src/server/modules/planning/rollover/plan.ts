import type { z } from 'zod';
import type { DecisionBody, NumberOrder, PlanClass, RolloverPlanView } from '../../../../contracts/rollover.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { Clock } from '../../../core/clock.js';
import type { Database, Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { uniqueViolation } from '../../../core/db/unique.js';
import { rolloverCurrentYear, rolloverSourceClasses, rolloverStudent, rolloverYear } from '../../school/service.js';
import { decisionMismatch, needsReason, nextSchoolYear } from './policy.js';
import {
  bumpPlanVersion,
  deleteDecision,
  deletePlan,
  findLatestPlan,
  insertPlan,
  listPlanClasses,
  type PlanRow,
  replacePlanClasses,
  setNumberOrder,
  upsertDecision,
} from './queries.js';

export interface PlanDeps {
  db: Database;
  clock: Clock;
}

/** New classes hold up to this many by default (the school adjusts it per class). */
const DEFAULT_CAPACITY = 40;

/** The plan in progress (or the last migrated one), or null when the school has not started one. */
export async function getRolloverPlan(d: PlanDeps, schoolId: string): Promise<z.infer<typeof RolloverPlanView> | null> {
  return d.db.school(schoolId, async (q) => {
    const p = await findLatestPlan(q);
    return p ? planView(q, p) : null;
  });
}

async function planView(q: Queryable, p: PlanRow): Promise<z.infer<typeof RolloverPlanView>> {
  const from = await rolloverYear(q, p.from_year_id);
  const classes = await listPlanClasses(q, p.id);
  return {
    id: p.id,
    fromYear: { id: p.from_year_id, code: from?.code ?? '', endsOn: from?.ends_on ?? '' },
    toYear: { code: p.to_code, startsOn: p.to_starts_on, endsOn: p.to_ends_on },
    status: p.status,
    numberOrder: p.number_order,
    version: p.version,
    migratedAt: p.migrated_at ? p.migrated_at.toISOString() : null,
    classes: classes.map((c) => ({
      code: c.code,
      level: c.level,
      nameZh: c.name_zh,
      nameEn: c.name_en,
      stream: c.stream,
      capacity: c.capacity,
      subjectsFrom: c.subjects_from,
    })),
    decisions: p.decisions,
  };
}

/** Plan the year after the current one: its classes copied from the current year's (same codes, their class subjects). */
export async function createRolloverPlan(d: PlanDeps, a: Actor): Promise<z.infer<typeof RolloverPlanView>> {
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const current = await rolloverCurrentYear(q);
      if (!current) throw new AppError('rollover_no_current_year');
      const next = nextSchoolYear(current.ends_on);
      const id = await insertPlan(q, a.schoolId, {
        fromYearId: current.id,
        toCode: next.code,
        toStartsOn: next.startsOn,
        toEndsOn: next.endsOn,
        createdAt: d.clock.now(),
        createdBy: a.userId,
      });
      const classes = (await rolloverSourceClasses(q, current.id)).map((c) => ({
        code: c.code,
        level: c.level,
        nameZh: c.name_zh,
        nameEn: c.name_en,
        stream: c.stream,
        capacity: DEFAULT_CAPACITY,
        subjectsFrom: c.subjects > 0 ? c.id : null,
      }));
      await replacePlanClasses(q, a.schoolId, id, classes);
      await audit(q, d.clock, {
        ...who(a),
        action: 'planning.rollover_planned',
        target: `rollover:${id}`,
        details: { from: current.code, to: next.code, classes: classes.length },
      });
      const p = await findLatestPlan(q);
      if (!p) throw new Error('plan not found after creating it');
      return planView(q, p);
    });
  } catch (err) {
    throw uniqueViolation(err, { rollover_plans_school_id_from_year_id_key: 'conflict' });
  }
}

/** The draft plan, locked, at the version the person saw; refused once migrated or when someone else changed it. */
async function draftAt(q: Queryable, version: number | null): Promise<PlanRow> {
  const p = await findLatestPlan(q, true);
  if (!p) throw new AppError('not_found');
  if (p.status !== 'draft') throw new AppError('rollover_migrated', { errors: [{ path: p.to_code, code: 'already_migrated' }] });
  // The version guards the plan's classes and order; decisions are per student and need none.
  if (version !== null && !(await bumpPlanVersion(q, p.id, version))) throw new AppError('version_conflict');
  return p;
}

/** Replace the plan's classes. Two classes with one code are refused, each named. */
export async function savePlanClasses(d: PlanDeps, a: Actor, version: number, classes: z.infer<typeof PlanClass>[]): Promise<void> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const c of classes) (seen.has(c.code) ? twice : seen).add(c.code);
  if (twice.size)
    throw new AppError('rollover_invalid', { errors: [...twice].map((code) => ({ path: code, code: 'duplicate_class_code' })) });
  await d.db.schoolTx(a.schoolId, async (q) => {
    const p = await draftAt(q, version);
    const before = await listPlanClasses(q, p.id);
    await replacePlanClasses(q, a.schoolId, p.id, classes);
    await audit(q, d.clock, {
      ...who(a),
      action: 'planning.rollover_classes_saved',
      target: `rollover:${p.id}`,
      details: {
        before: before.map((c) => `${c.code}:${c.level}:${c.capacity}`),
        after: classes.map((c) => `${c.code}:${c.level}:${c.capacity}`),
      },
    });
  });
}

export async function setPlanNumberOrder(d: PlanDeps, a: Actor, version: number, order: z.infer<typeof NumberOrder>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const p = await draftAt(q, version);
    await setNumberOrder(q, p.id, order);
    await audit(q, d.clock, {
      ...who(a),
      action: 'planning.rollover_order_set',
      target: `rollover:${p.id}`,
      details: { before: p.number_order, after: order },
    });
  });
}

/**
 * A decision by hand for one student, with its reason. A class of another level than the decision
 * expects is refused here without a reason (and listed as an exception if the class changes later).
 */
export async function setRolloverDecision(d: PlanDeps, a: Actor, studentId: string, b: z.infer<typeof DecisionBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const p = await draftAt(q, null);
    const s = await rolloverStudent(q, p.from_year_id, p.to_ends_on, studentId);
    if (!s) throw new AppError('not_found');
    const mismatch = decisionMismatch(b.action, s.kind);
    if (mismatch) throw new AppError('rollover_invalid', { errors: [{ path: s.reg_no, code: mismatch }] });
    if (b.classCode) {
      const cls = (await listPlanClasses(q, p.id)).find((c) => c.code === b.classCode);
      if (!cls) throw new AppError('rollover_invalid', { errors: [{ path: b.classCode, code: 'class_unknown' }] });
      if (needsReason(b.action, s.level, cls.level) && !b.reason)
        throw new AppError('rollover_invalid', { errors: [{ path: `${s.reg_no} ${b.classCode}`, code: 'level_without_reason' }] });
    }
    const before = await upsertDecision(q, a.schoolId, p.id, {
      studentId,
      action: b.action,
      classCode: b.classCode ?? null,
      reason: b.reason ?? null,
      by: a.userId,
      at: d.clock.now(),
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'planning.rollover_decision_set',
      target: `student:${studentId}`,
      details: {
        plan: p.id,
        before: before ?? null,
        after: { action: b.action, classCode: b.classCode ?? null, reason: b.reason ?? null },
      },
    });
  });
}

/** Back to the rule for one student. */
export async function clearRolloverDecision(d: PlanDeps, a: Actor, studentId: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const p = await draftAt(q, null);
    const before = await deleteDecision(q, p.id, studentId);
    if (!before) throw new AppError('not_found');
    await audit(q, d.clock, {
      ...who(a),
      action: 'planning.rollover_decision_cleared',
      target: `student:${studentId}`,
      details: { plan: p.id, before },
    });
  });
}

/** Reset: the draft plan, its classes and decisions are discarded (before migration only). */
export async function resetRolloverPlan(d: PlanDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const p = await draftAt(q, null);
    await deletePlan(q, p.id);
    await audit(q, d.clock, {
      ...who(a),
      action: 'planning.rollover_reset',
      target: `rollover:${p.id}`,
      details: { to: p.to_code, decisions: p.decisions },
    });
  });
}
