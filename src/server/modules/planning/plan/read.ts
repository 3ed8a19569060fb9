import type { z } from 'zod';
import type { PlanView, StepView, TransitionView } from '../../../../contracts/planning-calendar.js';
import type { Queryable } from '../../../core/db/types.js';
import { type PlanningDeps, currentStartYear, defaultStartYear, today, yearMigrated } from '../calendar/common.js';
import { dueState, progressOf, yearCode } from '../calendar/policy.js';
import { DEPENDS_ON, MARKED_BY_HAND, type Step, openDependencies } from './policy.js';
import { type PlanRow, type StepRow, findPlan, listSteps } from './queries.js';

/** Which steps are done: the migration when the year has become current, the others when someone marked them. */
export function doneSteps(steps: readonly StepRow[], migrated: boolean): Set<Step> {
  return new Set(steps.filter((s) => (s.step === 'migrate' ? migrated : s.done_at !== null)).map((s) => s.step));
}

function toStepView(s: StepRow, done: ReadonlySet<Step>, day: string): z.infer<typeof StepView> {
  const isDone = done.has(s.step);
  return {
    id: s.id,
    step: s.step,
    dependsOn: [...DEPENDS_ON[s.step]],
    ownerId: s.owner_id,
    owner: s.owner,
    dueOn: s.due_on,
    done: isDone,
    dueState: dueState(s.due_on, isDone, day),
    doneAt: s.done_at?.toISOString() ?? null,
    doneBy: s.done_by,
    note: s.note,
    ready: !isDone && MARKED_BY_HAND(s.step) && openDependencies(s.step, done).length === 0,
    version: s.version,
  };
}

/** A plan with its steps as they stand on the clock's day. */
export async function planView(q: Queryable, plan: PlanRow, day: string): Promise<z.infer<typeof PlanView>> {
  const steps = await listSteps(q, plan.id);
  const done = doneSteps(steps, await yearMigrated(q, plan.start_year));
  const views = steps.map((s) => toStepView(s, done, day));
  return {
    id: plan.id,
    startYear: plan.start_year,
    code: yearCode(plan.start_year),
    createdAt: plan.created_at.toISOString(),
    createdBy: plan.created_by,
    steps: views,
    progress: progressOf(views.map((v) => v.dueState)),
  };
}

/** The year after the current one: the year a transition plan leads into. */
export async function nextStartYear(q: Queryable, now: Date): Promise<number> {
  return ((await currentStartYear(q)) ?? (await defaultStartYear(q, now))) + 1;
}

/** The transition plan into a year (by default the year after the current one); `plan` is null until someone starts it. */
export async function getTransition(d: PlanningDeps, schoolId: string, year?: number): Promise<z.infer<typeof TransitionView>> {
  return d.db.school(schoolId, async (q) => {
    const startYear = year ?? (await nextStartYear(q, d.clock.now()));
    const plan = await findPlan(q, startYear);
    return { startYear, code: yearCode(startYear), plan: plan ? await planView(q, plan, today(d.clock)) : null };
  });
}
