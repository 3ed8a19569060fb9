import { addMonths, annualReview } from '../../../core/checks/evaluators.js';
import type { CheckStatus } from '../../../core/checks/registry.js';
import { AppError } from '../../../core/errors.js';

/** The school key's rules as pure functions (memo S1): when it is due for a change, what the check says, share sets. */

/** When the key made at `createdAt` should be changed, by the school's period. */
export const rotationDue = (createdAt: Date, months: number): Date => addMonths(createdAt, months);

export interface KeyCheckInput {
  createdAt: Date;
  months: number;
  issued: number;
  confirmed: number;
  threshold: number | null;
}

const RANK: Record<CheckStatus, number> = { ok: 0, attention: 1, overdue: 2 };

/**
 * Memo S1, the school key: changed within the school's period (then a month's grace before it is
 * overdue, as every periodic duty), and recovery shares of the key in force issued and all confirmed
 * by their holders. The summary names the first thing to do.
 */
export function keyCheck(k: KeyCheckInput, now: Date): { status: CheckStatus; summaryKey: string; due: Date } {
  const age = annualReview(k.createdAt, now, k.months);
  const due = age.due ?? rotationDue(k.createdAt, k.months);
  if (age.state === 'due') return { status: age.status, summaryKey: 'checks.schoolKey.rotate', due };
  const shares: CheckStatus = k.issued === 0 || k.confirmed < k.issued ? 'attention' : 'ok';
  if (RANK[shares] > RANK[age.status])
    return { status: shares, summaryKey: k.issued === 0 ? 'checks.schoolKey.noShares' : 'checks.schoolKey.unconfirmed', due };
  return { status: 'ok', summaryKey: 'checks.schoolKey.ok', due };
}

/** A share set: at least two holders, and a threshold no larger than the holders (else the key could never come back). */
export function assertShareSet(threshold: number, holders: number): void {
  if (holders < 2 || threshold < 2 || threshold > holders)
    throw new AppError('validation_failed', { errors: [{ path: 'threshold', code: 'threshold_over_holders' }] });
}

/** Recovery needs as many different shares as the set's threshold. */
export function assertEnoughShares(distinct: number, threshold: number): void {
  if (distinct < Math.max(2, threshold)) throw new AppError('shares_too_few');
}
