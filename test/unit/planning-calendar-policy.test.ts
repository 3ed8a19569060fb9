import { describe, expect, it } from 'vitest';
import {
  calendarState,
  dueDateIn,
  dueState,
  needsReminder,
  progressOf,
  schoolYearOf,
  yearCode,
} from '../../src/server/modules/planning/calendar/policy.js';
import {
  DEPENDS_ON,
  MARKED_BY_HAND,
  type PlanFacts,
  STEPS,
  defaultDueOn,
  doneDependants,
  openDependencies,
  transitionState,
} from '../../src/server/modules/planning/plan/policy.js';

describe('the calendar: dates in a school year', () => {
  it('puts September–December in the starting year and January–August in the next', () => {
    expect(dueDateIn(2026, 9, 20)).toBe('2026-09-20');
    expect(dueDateIn(2026, 12, 31)).toBe('2026-12-31');
    expect(dueDateIn(2026, 1, 20)).toBe('2027-01-20');
    expect(dueDateIn(2026, 8, 31)).toBe('2027-08-31');
  });

  it('takes a day past the month end as its last day (leap years too)', () => {
    expect(dueDateIn(2026, 2, 31)).toBe('2027-02-28');
    expect(dueDateIn(2027, 2, 31)).toBe('2028-02-29');
    expect(dueDateIn(2026, 4, 31)).toBe('2027-04-30');
  });

  it('knows the school year of a date: 1 September starts it', () => {
    expect(schoolYearOf('2026-08-31')).toBe(2025);
    expect(schoolYearOf('2026-09-01')).toBe(2026);
    expect(schoolYearOf('2027-01-01')).toBe(2026);
    expect(yearCode(2026)).toBe('2026/27');
    expect(yearCode(2099)).toBe('2099/00');
  });
});

describe('the calendar: where a task stands', () => {
  const today = '2026-11-02';
  it('is overdue the day after its due date, due soon from a week before', () => {
    expect(dueState('2026-11-01', false, today)).toBe('overdue');
    expect(dueState('2026-11-02', false, today)).toBe('due_soon');
    expect(dueState('2026-11-09', false, today)).toBe('due_soon');
    expect(dueState('2026-11-10', false, today)).toBe('on_track');
    expect(dueState('2026-10-01', true, today)).toBe('done');
  });

  it('reminds from a week before the due date, never once done', () => {
    expect(needsReminder('2026-11-09', false, today)).toBe(true);
    expect(needsReminder('2026-11-10', false, today)).toBe(false);
    expect(needsReminder('2026-10-01', false, today)).toBe(true);
    expect(needsReminder('2026-10-01', true, today)).toBe(false);
  });

  it('counts progress', () => {
    expect(progressOf(['done', 'overdue', 'due_soon', 'on_track', 'done'])).toEqual({ total: 5, done: 2, overdue: 1, dueSoon: 1 });
  });

  it('memo O3 calendar: overdue first, then not made, then unowned tasks due soon', () => {
    expect(calendarState({ made: true, overdue: 1, unownedSoon: 3 })).toEqual({ status: 'overdue', key: 'overdue' });
    expect(calendarState({ made: false, overdue: 0, unownedSoon: 0 })).toEqual({ status: 'attention', key: 'notMade' });
    expect(calendarState({ made: true, overdue: 0, unownedSoon: 1 })).toEqual({ status: 'attention', key: 'unowned' });
    expect(calendarState({ made: true, overdue: 0, unownedSoon: 0 })).toEqual({ status: 'ok', key: 'ok' });
  });
});

describe('the transition plan: dependency order', () => {
  const done = (...steps: (typeof STEPS)[number][]) => new Set(steps);

  it('depends only on earlier steps, and every step after the first depends on something', () => {
    for (const [i, step] of STEPS.entries()) {
      for (const dep of DEPENDS_ON[step]) expect(STEPS.indexOf(dep), `${step} after ${dep}`).toBeLessThan(i);
      if (i > 0) expect(DEPENDS_ON[step].length, step).toBeGreaterThan(0);
    }
  });

  it('names the open steps a step waits for', () => {
    expect(openDependencies('plan_classes', done())).toEqual([]);
    expect(openDependencies('decide_promotion', done())).toEqual(['plan_classes']);
    expect(openDependencies('admit_intake', done('plan_classes'))).toEqual([]);
    expect(openDependencies('assign_classes', done('plan_classes', 'decide_promotion'))).toEqual(['admit_intake']);
    expect(openDependencies('assign_classes', done('plan_classes'))).toEqual(['decide_promotion', 'admit_intake']);
    expect(openDependencies('migrate', done('plan_classes', 'decide_promotion', 'admit_intake', 'assign_classes'))).toEqual(['check']);
  });

  it('names the done steps that stop a step being opened again', () => {
    expect(doneDependants('plan_classes', done('plan_classes'))).toEqual([]);
    expect(doneDependants('plan_classes', done('plan_classes', 'admit_intake'))).toEqual(['admit_intake']);
    expect(doneDependants('check', done('check', 'migrate'))).toEqual(['migrate']);
    expect(doneDependants('migrate', done('migrate'))).toEqual([]);
  });

  it('leaves the migration to the rollover', () => {
    expect(STEPS.filter((s) => !MARKED_BY_HAND(s))).toEqual(['migrate']);
  });

  it('falls due in the summer before the year, in order', () => {
    const dates = STEPS.map((s) => defaultDueOn(2027, s));
    expect(dates[0]).toBe('2027-06-15');
    expect(dates[dates.length - 1]).toBe('2027-08-31');
    expect([...dates].sort()).toEqual(dates);
  });
});

describe('memo O3: the transition check at its edges', () => {
  const plan = (startedOn: string, over: Partial<Record<(typeof STEPS)[number], { done?: boolean; owned?: boolean }>> = {}): PlanFacts => ({
    startedOn,
    steps: STEPS.map((step) => ({
      step,
      dueOn: defaultDueOn(2027, step),
      done: over[step]?.done ?? false,
      owned: over[step]?.owned ?? true,
    })),
  });

  it('without a plan: ok to 30 April, attention 1 May – 1 June (started by 1 June includes the day), overdue from 2 June', () => {
    expect(transitionState(2027, null, '2027-04-30')).toMatchObject({ status: 'ok', key: 'notDue', due: '2027-06-01' });
    expect(transitionState(2027, null, '2027-05-01')).toMatchObject({ status: 'attention', key: 'startSoon' });
    expect(transitionState(2027, null, '2027-05-31')).toMatchObject({ status: 'attention', key: 'startSoon' });
    expect(transitionState(2027, null, '2027-06-01')).toMatchObject({ status: 'attention', key: 'startSoon' });
    expect(transitionState(2027, null, '2027-06-02')).toMatchObject({ status: 'overdue', key: 'notStarted' });
  });

  it('started on or before 1 June is on schedule; started on 2 June or later needs attention', () => {
    expect(transitionState(2027, plan('2027-05-31'), '2027-06-10')).toMatchObject({ status: 'ok', key: 'onSchedule', due: '2027-06-15' });
    expect(transitionState(2027, plan('2027-06-01'), '2027-06-10')).toMatchObject({ status: 'ok', key: 'onSchedule' });
    expect(transitionState(2027, plan('2027-06-02'), '2027-06-10')).toMatchObject({ status: 'attention', key: 'startedLate' });
  });

  it('a step is late the day after its due date', () => {
    expect(transitionState(2027, plan('2027-03-01'), '2027-06-15').status).toBe('ok');
    expect(transitionState(2027, plan('2027-03-01'), '2027-06-16')).toMatchObject({
      status: 'overdue',
      key: 'late',
      steps: ['plan_classes'],
    });
    expect(transitionState(2027, plan('2027-03-01', { plan_classes: { done: true } }), '2027-06-16').status).toBe('ok');
  });

  it('a step with nobody named needs attention', () => {
    expect(transitionState(2027, plan('2027-03-01', { check: { owned: false } }), '2027-06-01')).toMatchObject({
      status: 'attention',
      key: 'unowned',
      steps: ['check'],
    });
    // Done steps need no owner any more.
    expect(transitionState(2027, plan('2027-03-01', { plan_classes: { done: true, owned: false } }), '2027-06-01').status).toBe('ok');
  });

  it('not migrated on 1 September is overdue, whatever else', () => {
    const allDone = plan('2027-03-01', {
      plan_classes: { done: true },
      decide_promotion: { done: true },
      admit_intake: { done: true },
      assign_classes: { done: true },
      check: { done: true },
    });
    expect(transitionState(2027, allDone, '2027-08-31')).toMatchObject({ status: 'ok', due: '2027-08-31' });
    expect(transitionState(2027, allDone, '2027-09-01')).toMatchObject({ status: 'overdue', key: 'notMigrated', due: '2027-09-01' });
    expect(transitionState(2027, null, '2027-09-01').key).toBe('notMigrated');
  });
});
