import { breakGlassSealed } from '../../../core/auth/policy.js';
import type { CheckStatus } from '../../../core/checks/registry.js';
import type { AccountKind } from './queries.js';

/**
 * The rules of privileged accounts (memo S1) as pure functions. Shared and break-glass passwords
 * follow the school's rotation period; personal passwords are not force-rotated (ASVS 5, 6.2.10) but
 * can be required to change on suspicion, which must happen within a week.
 */

const DAY_MS = 24 * 3600_000;
export const DEFAULT_ROTATION_DAYS = 180;
/** Days before a rotated password is due when the administrators are warned, once each. */
export const WARNING_DAYS = [14, 7, 1] as const;
/** A change required by an administrator (on suspicion, or after a reset) is overdue after this many days. */
export const CHANGE_DEADLINE_DAYS = 7;
/** A used break-glass sheet should be replaced within this many days; after it the check is overdue. */
export const RESEAL_DEADLINE_DAYS = 7;

const addDays = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS);

/** Whether this kind of account's password follows the rotation period. */
export const isRotated = (kind: AccountKind): boolean => kind !== 'personal';

/** When a shared or break-glass password must be changed; null for a personal one (never force-rotated). */
export function passwordDue(kind: AccountKind, changedAt: Date, rotationDays: number): Date | null {
  return isRotated(kind) ? addDays(changedAt, rotationDays) : null;
}

/**
 * Which warning is due for a password due at `due`: the tightest of 14, 7 and 1 days that has been
 * reached, 0 once it is past due, null while more than 14 days are left. A job that missed a day sends
 * only the current one (each once: the caller keys it by account, password and threshold).
 */
export function warningThreshold(due: Date, now: Date): number | null {
  const left = due.getTime() - now.getTime();
  if (left <= 0) return 0;
  let reached: number | null = null;
  for (const days of WARNING_DAYS) if (left <= days * DAY_MS) reached = days;
  return reached;
}

/** When a pending change must be done: a week after it was required (or after the administrator's reset). */
export function changeDeadline(a: {
  must_change_password: boolean;
  password_change_requested_at: Date | null;
  password_changed_at: Date;
}): Date | null {
  if (!a.must_change_password) return null;
  return addDays(a.password_change_requested_at ?? a.password_changed_at, CHANGE_DEADLINE_DAYS);
}

export type BreakGlassState = 'sealed' | 'used' | 'unsealed';

export function breakGlassState(a: { sealed_at: Date | null; break_glass_used_at: Date | null }): BreakGlassState {
  if (breakGlassSealed(a.sealed_at, a.break_glass_used_at)) return 'sealed';
  return a.sealed_at ? 'used' : 'unsealed';
}

/** Why an account needs someone to act (words under `privileged.reasons`). */
export type Reason =
  'password_due_soon' | 'password_overdue' | 'change_pending' | 'change_overdue' | 'break_glass_used' | 'break_glass_unsealed';

export interface AccountFacts {
  account_kind: AccountKind;
  password_changed_at: Date;
  must_change_password: boolean;
  password_change_requested_at: Date | null;
  sealed_at: Date | null;
  break_glass_used_at: Date | null;
}

const OVERDUE: ReadonlySet<Reason> = new Set(['password_overdue', 'change_overdue']);

/** Where one account stands: its status for the check and the reasons behind it. */
export function accountStanding(a: AccountFacts, now: Date, rotationDays: number): { status: CheckStatus; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const due = passwordDue(a.account_kind, a.password_changed_at, rotationDays);
  if (due) {
    if (now >= due) reasons.push('password_overdue');
    else if (warningThreshold(due, now) !== null) reasons.push('password_due_soon');
  }
  const deadline = changeDeadline(a);
  if (deadline) reasons.push(now >= deadline ? 'change_overdue' : 'change_pending');
  let overdue = reasons.some((r) => OVERDUE.has(r));
  if (a.account_kind === 'break_glass') {
    const state = breakGlassState(a);
    if (state === 'unsealed') reasons.push('break_glass_unsealed');
    if (state === 'used') {
      reasons.push('break_glass_used');
      if (a.break_glass_used_at && now >= addDays(a.break_glass_used_at, RESEAL_DEADLINE_DAYS)) overdue = true;
    }
  }
  return { status: overdue ? 'overdue' : reasons.length ? 'attention' : 'ok', reasons };
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const SHEET_GROUPS = 6;

/**
 * The break-glass password from random bytes: six groups of four characters from 31 that cannot be
 * confused on paper (no i, l, o, 0, 1), about 119 bits. Each byte is used only below 248 (8 × 31) so
 * every character is equally likely; the caller supplies enough bytes and gets null if they ran out.
 */
export function sheetPassword(random: Uint8Array): string | null {
  const out: string[] = [];
  for (const b of random) {
    if (b >= 248) continue;
    out.push(ALPHABET.charAt(b % 31));
    if (out.length === SHEET_GROUPS * 4) break;
  }
  if (out.length < SHEET_GROUPS * 4) return null;
  return Array.from({ length: SHEET_GROUPS }, (_, i) => out.slice(i * 4, i * 4 + 4).join('')).join('-');
}
