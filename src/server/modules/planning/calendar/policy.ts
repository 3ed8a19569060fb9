import type { CheckStatus } from '../../../core/checks/registry.js';

/**
 * The calendar's rules, pure: which date a template month falls on in a school year, where a task
 * stands, and the calendar part of memo O3's checks. Dates are Hong Kong calendar dates (YYYY-MM-DD).
 */

/** A task due within this many days is "due soon", and its owner is reminded. */
export const DUE_SOON_DAYS = 7;

/** The school-year order of months: September first. */
export const MONTH_ORDER = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** The school year (by its starting calendar year) a Hong Kong date falls in: 1 September – 31 August. */
export function schoolYearOf(date: string): number {
  const [y, m] = date.split('-').map(Number);
  return (m ?? 1) >= 9 ? (y ?? 0) : (y ?? 0) - 1;
}

/** 2026 → "2026/27". */
export const yearCode = (startYear: number): string => `${startYear}/${pad((startYear + 1) % 100)}`;

/** The date a template's month and day fall on in the school year starting `startYear` (a day past the month's end is its last day). */
export function dueDateIn(startYear: number, month: number, day: number): string {
  const year = month >= 9 ? startYear : startYear + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(Math.min(day, last))}`;
}

/** `date` plus `days` days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export type DueState = 'done' | 'overdue' | 'due_soon' | 'on_track';

/** Where a task or step stands on `today`: overdue the day after its due date, due soon from a week before. */
export function dueState(dueOn: string, done: boolean, today: string): DueState {
  if (done) return 'done';
  if (dueOn < today) return 'overdue';
  if (dueOn <= addDays(today, DUE_SOON_DAYS)) return 'due_soon';
  return 'on_track';
}

export interface Progress {
  total: number;
  done: number;
  overdue: number;
  dueSoon: number;
}
export function progressOf(states: readonly DueState[]): Progress {
  return {
    total: states.length,
    done: states.filter((s) => s === 'done').length,
    overdue: states.filter((s) => s === 'overdue').length,
    dueSoon: states.filter((s) => s === 'due_soon').length,
  };
}

/** A reminder is due for an open task from a week before its due date (and after it); once per due date. */
export const needsReminder = (dueOn: string, done: boolean, today: string): boolean => !done && dueOn <= addDays(today, DUE_SOON_DAYS);

export type CalendarCheckKey = 'notMade' | 'overdue' | 'unowned' | 'ok';
/**
 * The calendar of the current year: its tasks made, none past its due date (overdue), and every task
 * due within the week named to somebody (attention otherwise).
 */
export function calendarState(c: { made: boolean; overdue: number; unownedSoon: number }): { status: CheckStatus; key: CalendarCheckKey } {
  if (c.overdue > 0) return { status: 'overdue', key: 'overdue' };
  if (!c.made) return { status: 'attention', key: 'notMade' };
  if (c.unownedSoon > 0) return { status: 'attention', key: 'unowned' };
  return { status: 'ok', key: 'ok' };
}
