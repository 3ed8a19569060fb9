import { STEPS } from '../../../../contracts/planning-calendar.js';
import type { CheckStatus } from '../../../core/checks/registry.js';

/**
 * The transition plan's rules, pure: the steps and what each depends on, the order in which they may
 * be marked done, their default due dates, and memo O3's check thresholds. Dates are Hong Kong
 * calendar dates (YYYY-MM-DD).
 */

export { STEPS };
export type Step = (typeof STEPS)[number];

/** Promotion and intake can run side by side once the classes are planned; everything after waits for both. */
export const DEPENDS_ON: Readonly<Record<Step, readonly Step[]>> = {
  plan_classes: [],
  decide_promotion: ['plan_classes'],
  admit_intake: ['plan_classes'],
  assign_classes: ['decide_promotion', 'admit_intake'],
  check: ['assign_classes'],
  migrate: ['check'],
};

/** The migration is done by the rollover (the year becoming current), never ticked by hand. */
export const MARKED_BY_HAND = (step: Step): boolean => step !== 'migrate';

/** Steps `step` depends on that are not done yet: it may be marked done only when this is empty. */
export function openDependencies(step: Step, done: ReadonlySet<Step>): Step[] {
  return DEPENDS_ON[step].filter((s) => !done.has(s));
}

/** Done steps that depend on `step`: it may be opened again only when this is empty. */
export function doneDependants(step: Step, done: ReadonlySet<Step>): Step[] {
  return STEPS.filter((s) => DEPENDS_ON[s].includes(step) && done.has(s));
}

/** Month and day each step is due by default, in the summer before the year starts. */
const DEFAULT_DUE: Readonly<Record<Step, string>> = {
  plan_classes: '06-15',
  decide_promotion: '07-10',
  admit_intake: '07-20',
  assign_classes: '08-10',
  check: '08-20',
  migrate: '08-31',
};
export const defaultDueOn = (startYear: number, step: Step): string => `${startYear}-${DEFAULT_DUE[step]}`;

/** Memo O3's dates for the plan into the year starting `startYear`: attention from 1 May, started by 1 June, migrated before 1 September. */
export function transitionDates(startYear: number): { attentionFrom: string; startBy: string; migrateBy: string } {
  return { attentionFrom: `${startYear}-05-01`, startBy: `${startYear}-06-01`, migrateBy: `${startYear}-09-01` };
}

export interface PlanFacts {
  /** The Hong Kong date the plan was started. */
  startedOn: string;
  steps: readonly { step: Step; dueOn: string; done: boolean; owned: boolean }[];
}

export type TransitionKey = 'notDue' | 'startSoon' | 'notStarted' | 'late' | 'notMigrated' | 'startedLate' | 'unowned' | 'onSchedule';

export interface TransitionState {
  status: CheckStatus;
  key: TransitionKey;
  /** Steps past their due date (`late`) or with nobody named (`unowned`). */
  steps: Step[];
  /** The next date that matters. */
  due: string;
}

/**
 * Memo O3 for the plan into the year starting `startYear` (the year after the current one), on `today`:
 * not migrated on or after 1 September is overdue; with no plan, attention from 1 May and overdue from
 * 2 June ("started by 1 June" includes 1 June itself); with a plan, a step past its due date is overdue,
 * and a plan started after 1 June or a step with nobody named needs attention.
 */
export function transitionState(startYear: number, plan: PlanFacts | null, today: string): TransitionState {
  const { attentionFrom, startBy, migrateBy } = transitionDates(startYear);
  if (today >= migrateBy) return { status: 'overdue', key: 'notMigrated', steps: [], due: migrateBy };
  if (!plan) {
    if (today > startBy) return { status: 'overdue', key: 'notStarted', steps: [], due: startBy };
    return {
      status: today >= attentionFrom ? 'attention' : 'ok',
      key: today >= attentionFrom ? 'startSoon' : 'notDue',
      steps: [],
      due: startBy,
    };
  }
  const open = plan.steps.filter((s) => !s.done);
  const next = open.map((s) => s.dueOn).sort()[0] ?? migrateBy;
  const late = open.filter((s) => s.dueOn < today).map((s) => s.step);
  if (late.length) return { status: 'overdue', key: 'late', steps: late, due: next };
  if (plan.startedOn > startBy) return { status: 'attention', key: 'startedLate', steps: [], due: next };
  const unowned = open.filter((s) => !s.owned).map((s) => s.step);
  if (unowned.length) return { status: 'attention', key: 'unowned', steps: unowned, due: next };
  return { status: 'ok', key: 'onSchedule', steps: [], due: next };
}
