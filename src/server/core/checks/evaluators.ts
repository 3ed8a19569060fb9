import type { CheckStatus } from './registry.js';

/**
 * The thresholds every governance check shares, written once. A yearly duty (an access review,
 * the notification list, the network and single sign-on policies, the exchange procedures) is
 * due twelve calendar months after it was last done, needs attention from then, and is overdue
 * one month later.
 */
export const ANNUAL_MONTHS = 12;
export const GRACE_MONTHS = 1;

/** `at` plus `months` calendar months (31 January + 1 month = 28/29 February, never 3 March). */
export function addMonths(at: Date, months: number): Date {
  const out = new Date(at.getTime());
  const day = out.getUTCDate();
  out.setUTCDate(1);
  out.setUTCMonth(out.getUTCMonth() + months);
  const last = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
  out.setUTCDate(Math.min(day, last));
  return out;
}

export interface AnnualState {
  /** `never`: not done yet; `ok`: done within the year; `due`: the year has passed. */
  state: 'never' | 'ok' | 'due';
  status: CheckStatus;
  /** When it falls due (null when it was never done). */
  due: Date | null;
}

/**
 * Where a yearly duty last done at `at` stands at `now`. Never done is `attention`: it needs doing,
 * nothing has lapsed. A duty with its own period (the school key's rotation) passes it as `months`.
 */
export function annualReview(at: Date | null, now: Date, months = ANNUAL_MONTHS): AnnualState {
  if (!at) return { state: 'never', status: 'attention', due: null };
  const due = addMonths(at, months);
  if (now < due) return { state: 'ok', status: 'ok', due };
  return { state: 'due', status: now < addMonths(due, GRACE_MONTHS) ? 'attention' : 'overdue', due };
}
