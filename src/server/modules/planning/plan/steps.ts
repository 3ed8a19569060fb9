import type { z } from 'zod';
import type { DoneBody, PlanCreateBody, StepUpdateBody } from '../../../../contracts/planning-calendar.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { type PlanningDeps, assertOwner, yearMigrated } from '../calendar/common.js';
import { yearCode } from '../calendar/policy.js';
import { MARKED_BY_HAND, STEPS, defaultDueOn, doneDependants, openDependencies } from './policy.js';
import { insertPlan, lockPlanSteps, setStepDone, setStepOpen, updateStep } from './queries.js';
import { doneSteps } from './read.js';

/** Start the transition plan into a year: the six steps in order, each due on its default date, nobody named yet. */
export async function createPlan(d: PlanningDeps, actor: Actor, body: z.infer<typeof PlanCreateBody>): Promise<{ id: string }> {
  return d.db.schoolTx(actor.schoolId, async (q) => {
    const steps = STEPS.map((step, position) => ({ step, position, dueOn: defaultDueOn(body.startYear, step) }));
    const id = await insertPlan(q, actor.schoolId, body.startYear, actor.userId, d.clock.now(), steps);
    if (!id) throw new AppError('conflict');
    await audit(q, d.clock, {
      ...who(actor),
      action: 'planning.plan_created',
      target: `planning-plan:${id}`,
      details: { year: yearCode(body.startYear) },
    });
    return { id };
  });
}

async function lockStep(q: Queryable, id: string) {
  const steps = await lockPlanSteps(q, id);
  const step = steps.find((s) => s.id === id);
  if (!step) throw new AppError('not_found');
  const done = doneSteps(steps, await yearMigrated(q, step.start_year));
  return { step, done };
}

/** Name a step's owner and set its due date. */
export async function editStep(d: PlanningDeps, actor: Actor, id: string, body: z.infer<typeof StepUpdateBody>): Promise<void> {
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const { step } = await lockStep(q, id);
    await assertOwner(q, body.ownerId);
    if (!(await updateStep(q, id, body))) throw new AppError('version_conflict');
    await audit(q, d.clock, {
      ...who(actor),
      action: 'planning.step_changed',
      target: `planning-step:${id}`,
      details: { step: step.step, year: yearCode(step.start_year), before: { ownerId: step.owner_id, dueOn: step.due_on }, after: body },
    });
  });
}

/**
 * Mark a step done. Refused while a step it depends on is open (`step_dependencies_open`, naming
 * them), and for the migration, which is done when the new year becomes current.
 */
export async function markStepDone(d: PlanningDeps, actor: Actor, id: string, body: z.infer<typeof DoneBody>): Promise<void> {
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const { step, done } = await lockStep(q, id);
    if (!MARKED_BY_HAND(step.step)) throw new AppError('step_done_by_migration');
    if (done.has(step.step)) throw new AppError('planning_already_done');
    const open = openDependencies(step.step, done);
    if (open.length) throw new AppError('step_dependencies_open', { errors: open.map((s) => ({ path: s, code: 'not_done' })) });
    await setStepDone(q, id, actor.userId, d.clock.now(), body.note || null);
    await audit(q, d.clock, {
      ...who(actor),
      action: 'planning.step_done',
      target: `planning-step:${id}`,
      details: { step: step.step, year: yearCode(step.start_year), ...(body.note ? { note: body.note } : {}) },
    });
  });
}

/** Open a done step again; refused while a step that depends on it is done (`step_dependants_done`, naming them). */
export async function reopenStep(d: PlanningDeps, actor: Actor, id: string): Promise<void> {
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const { step, done } = await lockStep(q, id);
    if (!MARKED_BY_HAND(step.step)) throw new AppError('step_done_by_migration');
    if (!step.done_at) return;
    const after = doneDependants(step.step, done);
    if (after.length) throw new AppError('step_dependants_done', { errors: after.map((s) => ({ path: s, code: 'done' })) });
    await setStepOpen(q, id);
    await audit(q, d.clock, {
      ...who(actor),
      action: 'planning.step_reopened',
      target: `planning-step:${id}`,
      details: { step: step.step, year: yearCode(step.start_year) },
    });
  });
}
