import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';
import { hongKongDate } from '../../core/clock.js';
import { currentStartYear, yearMigrated } from './calendar/common.js';
import { addDays, calendarState, dueState, DUE_SOON_DAYS, yearCode } from './calendar/policy.js';
import { listYearTasks } from './calendar/queries/tasks.js';
import { transitionState } from './plan/policy.js';
import { findPlan, listSteps } from './plan/queries.js';
import { doneSteps } from './plan/read.js';
import { STEP_WORDS, dateWords } from './plan/words.js';

const LINK = '/planning';

/** A date as both languages write it, for the summary's `{{date}}` (the web picks `dateEn` or `dateZh`). */
const dateParams = (name: string, date: string) => {
  const w = dateWords(date);
  return { [`${name}En`]: w.en, [`${name}Zh`]: w.zh };
};
const startOfHkDay = (date: string) => new Date(`${date}T00:00:00+08:00`);

/**
 * Memo O3: `memo.O3.transition` (the plan into the next year started by 1 June, its steps on schedule,
 * the migration done before 1 September) and `memo.O3.calendar` (this year's work calendar made, no task
 * past its due date, every task due within the week named to somebody).
 */
export function registerPlanningChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.O3.transition',
    memo: 'O3',
    owner: 'planning.manage',
    linkPermission: 'planning.read',
    async evaluate({ q, now }): Promise<CheckResult> {
      const current = await currentStartYear(q);
      if (current === null) return { status: 'attention', summaryKey: 'checks.transition.noYear', link: LINK };
      const startYear = current + 1;
      const day = hongKongDate(now);
      const plan = await findPlan(q, startYear);
      const steps = plan ? await listSteps(q, plan.id) : [];
      const done = doneSteps(steps, await yearMigrated(q, startYear));
      const facts = plan
        ? {
            startedOn: hongKongDate(plan.created_at),
            steps: steps.map((s) => ({ step: s.step, dueOn: s.due_on, done: done.has(s.step), owned: s.owner_id !== null })),
          }
        : null;
      const state = transitionState(startYear, facts, day);
      const named = state.steps.map((s) => STEP_WORDS[s]);
      const late = steps.filter((s) => state.steps.includes(s.step));
      return {
        status: state.status,
        summaryKey: `checks.transition.${state.key}`,
        params: {
          year: yearCode(startYear),
          count: state.steps.length,
          done: done.size,
          total: steps.length,
          stepsEn: named.map((w) => w.en).join(', '),
          stepsZh: named.map((w) => w.zh).join('、'),
          ...dateParams('date', state.due),
          ...(plan ? dateParams('started', hongKongDate(plan.created_at)) : {}),
        },
        evidence: late.map((s) => {
          const w = STEP_WORDS[s.step];
          const due = dateWords(s.due_on);
          return `${w.zh}（${due.zh}）/ ${w.en} (${due.en})`;
        }),
        link: LINK,
        due: startOfHkDay(state.due),
      };
    },
  });

  registry.register({
    key: 'memo.O3.calendar',
    memo: 'O3',
    owner: 'planning.manage',
    linkPermission: 'planning.read',
    async evaluate({ q, now }): Promise<CheckResult> {
      const current = await currentStartYear(q);
      if (current === null) return { status: 'attention', summaryKey: 'checks.transition.noYear', link: LINK };
      const day = hongKongDate(now);
      const tasks = await listYearTasks(q, current);
      const open = tasks.filter((t) => t.status === 'open');
      const overdue = open.filter((t) => dueState(t.due_on, false, day) === 'overdue');
      const unownedSoon = open.filter((t) => !t.owner_id && t.due_on <= addDays(day, DUE_SOON_DAYS));
      const state = calendarState({ made: tasks.length > 0, overdue: overdue.length, unownedSoon: unownedSoon.length });
      const shown = state.key === 'overdue' ? overdue : state.key === 'unowned' ? unownedSoon : [];
      const next = open.map((t) => t.due_on).sort()[0];
      return {
        status: state.status,
        summaryKey: `checks.calendar.${state.key}`,
        params: { year: yearCode(current), total: tasks.length, done: tasks.length - open.length, count: shown.length },
        evidence: shown.map((t) => {
          const due = dateWords(t.due_on);
          return `${t.title_zh}（${due.zh}）/ ${t.title_en} (${due.en})`;
        }),
        link: LINK,
        due: next ? startOfHkDay(next) : null,
      };
    },
  });
}
