import type { AuditAction } from '../../../contracts/audit.js';
import { audit } from '../audit/audit.js';
import type { Queryable } from '../db/types.js';
import { notifyUser, queueMail, securityEvent } from '../notify/notify.js';
import { type AuthDeps, type Origin, signingIn } from './common.js';
import { type FailureCounts, LOCKOUT_WINDOW_MS, isFamiliar, pauseBegun, pausedSeconds, sourceOf } from './lockout.js';
import { rateWindowStart } from './policy.js';
import {
  type FailureCountRow,
  clearAuthFailuresFrom,
  countAttempt,
  countFailuresSince,
  findFamiliarAddress,
  insertAuthFailure,
  lockAccountForFailure,
  rememberAddress,
} from './queries/failures.js';
import { setLastLogin, setLockedUntil } from './queries/users.js';

const counts = (r: FailureCountRow): FailureCounts => ({
  fromSource: r.from_source,
  lastFromSource: r.last_from_source,
  unfamiliar: r.unfamiliar,
  lastUnfamiliar: r.last_unfamiliar,
});

/** Seconds sign-in to the account stays paused for a request from `ip`; 0 when it is not. */
export async function pausedFor(q: Queryable, userId: string, ip: string, now: Date): Promise<number> {
  const source = sourceOf(ip);
  const familiar = isFamiliar(await findFamiliarAddress(q, userId, source), now);
  const c = await countFailuresSince(q, userId, source, new Date(now.getTime() - LOCKOUT_WINDOW_MS));
  return pausedSeconds(counts(c), familiar, now);
}

/**
 * The person completed a sign-in from `ip`: the address becomes familiar, its failures are
 * forgotten (another address's count stays), and the time is kept as the last sign-in.
 */
export async function signedInFrom(q: Queryable, u: { id: string; school_id: string }, ip: string, now: Date): Promise<void> {
  const source = sourceOf(ip);
  await rememberAddress(q, u.school_id, u.id, source, now);
  await clearAuthFailuresFrom(q, u.id, source);
  await setLastLogin(q, u.id, now);
}

/** A right second factor forgets the failures from this address, without yet making it familiar. */
export async function forgetFailuresFrom(q: Queryable, userId: string, ip: string): Promise<void> {
  await clearAuthFailuresFrom(q, userId, sourceOf(ip));
}

type FailingUser = { id: string; school_id: string; username: string; email?: string | null };

/** No account has this id: the lookups of a name that does not exist run against it. */
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

/**
 * Count one failure in the caller's transaction (the account's row already held): from the 10th
 * failure from one address, sign-in from that address pauses for a time that doubles with each
 * failure (1 min … 15 min); from the 30th from unfamiliar addresses together, every unfamiliar
 * address pauses the same way. A familiar address keeps working. When a pause begins, the person
 * and the school's notification list are told, once. The seconds this address is now paused for.
 */
async function countFailure(
  d: AuthDeps,
  q: Queryable,
  u: FailingUser,
  f: { ip: string; action: AuditAction; reason: string; familiar: boolean; before: FailureCounts; now: Date },
): Promise<number> {
  const { now, familiar } = f;
  const source = sourceOf(f.ip);
  await insertAuthFailure(q, { schoolId: u.school_id, userId: u.id, at: now, source, familiar });
  // The row is held, so the counts move by exactly this failure.
  const c: FailureCounts = {
    fromSource: f.before.fromSource + 1,
    lastFromSource: now,
    unfamiliar: f.before.unfamiliar + (familiar ? 0 : 1),
    lastUnfamiliar: familiar ? f.before.lastUnfamiliar : now,
  };
  const by = signingIn(u.school_id, u, f.ip);
  await audit(q, d.clock, {
    ...by,
    action: f.action,
    target: `user:${u.id}`,
    outcome: 'failure',
    details: { reason: f.reason, failures: c.fromSource, familiar },
  });
  const seconds = pausedSeconds(c, familiar, now);
  if (seconds === 0) return 0;
  const until = new Date(now.getTime() + seconds * 1000);
  // Shown to administrators as "locked" with the unlock action; sign-in itself reads the failures.
  await setLockedUntil(q, u.id, until);
  await audit(q, d.clock, {
    ...by,
    action: 'auth.lockout',
    target: `user:${u.id}`,
    details: { until: until.toISOString(), failures: c.fromSource, unfamiliarFailures: c.unfamiliar, familiar, source },
  });
  const begun = pauseBegun(c, familiar);
  if (begun) await tellLockout(d, q, u, { source, begun, until, now });
  return seconds;
}

/** The account's row held, whether the address is familiar, and the failures so far. */
async function failureState(
  q: Queryable,
  userId: string,
  source: string,
  now: Date,
): Promise<{ familiar: boolean; before: FailureCounts }> {
  await lockAccountForFailure(q, userId);
  const familiar = isFamiliar(await findFamiliarAddress(q, userId, source), now);
  const before = counts(await countFailuresSince(q, userId, source, new Date(now.getTime() - LOCKOUT_WINDOW_MS)));
  return { familiar, before };
}

/**
 * Record a failed password or code of someone past the password step, or changing their password.
 * Returns the seconds sign-in from this address is now paused for (0 when it is not).
 */
export async function recordFailure(d: AuthDeps, u: FailingUser, origin: Origin, action: AuditAction, reason: string): Promise<number> {
  const now = d.clock.now();
  return d.db.schoolTx(u.school_id, async (q) => {
    const state = await failureState(q, u.id, sourceOf(origin.ip), now);
    return countFailure(d, q, u, { ip: origin.ip, action, reason, now, ...state });
  });
}

/**
 * Settle the password step: true when the person may go on; otherwise the failure is recorded and
 * the caller answers `sign_in_failed`. An unknown name, a wrong password and a paused address do
 * the same work (one transaction: the account's row, the familiar address, the failure count, one
 * counted write, one audit record), so the time taken does not tell them apart either.
 */
export async function settlePasswordStep(
  d: AuthDeps,
  u: FailingUser | undefined,
  attempt: { username: string; school: string | null; right: boolean },
  origin: Origin,
): Promise<boolean> {
  const now = d.clock.now();
  const source = sourceOf(origin.ip);
  const window = rateWindowStart(now);
  if (!u) {
    await d.db.systemTx(async (q) => {
      await failureState(q, NO_ACCOUNT, source, now);
      await countAttempt(q, `signin-unknown:${source}`, window);
      await audit(q, d.clock, {
        schoolId: null,
        actorName: attempt.username.slice(0, 64),
        ip: origin.ip,
        action: 'auth.login_failed',
        outcome: 'failure',
        details: { reason: 'unknown_user', school: attempt.school },
      });
    });
    return false;
  }
  return d.db.schoolTx(u.school_id, async (q) => {
    const state = await failureState(q, u.id, source, now);
    const paused = pausedSeconds(state.before, state.familiar, now);
    if (paused) {
      // Not counted as a failure (that would lengthen the person's own pause as they retry); the
      // pause is written where administrators see it, as a failure's would be.
      await setLockedUntil(q, u.id, new Date(now.getTime() + paused * 1000));
      await audit(q, d.clock, {
        ...signingIn(u.school_id, u, origin.ip),
        action: 'auth.login_failed',
        target: `user:${u.id}`,
        outcome: 'failure',
        details: { reason: 'locked', retryAfter: paused, familiar: state.familiar },
      });
      return false;
    }
    if (attempt.right) return true;
    await countFailure(d, q, u, { ip: origin.ip, action: 'auth.login_failed', reason: 'bad_password', now, ...state });
    return false;
  });
}

/** Tell the person and the school's notification list that sign-in was paused (once per pause). */
async function tellLockout(
  d: AuthDeps,
  q: Queryable,
  u: { id: string; school_id: string; username: string; email?: string | null },
  p: { source: string; begun: 'source' | 'unfamiliar'; until: Date; now: Date },
): Promise<void> {
  const where = p.begun === 'source' ? p.source : 'unfamiliar addresses / 不熟悉的網絡位址';
  const idemKey = `lockout:${u.id}:${p.begun === 'source' ? p.source : 'unfamiliar'}:${p.now.toISOString()}`;
  const body =
    `Sign-in to the account ${u.username} from ${where} was paused until ${p.until.toISOString()} after repeated failed attempts. ` +
    `Sign-in from addresses the person normally uses keeps working; an administrator can lift the pause (Users → Unlock).\n` +
    `帳戶 ${u.username} 從 ${where} 多次登入失敗，該處的登入已暫停至 ${p.until.toISOString()}。慣用網絡位址的登入不受影響；管理員可於「用戶」解除鎖定。`;
  await securityEvent(q, d.clock, d.smtpConfigured, {
    schoolId: u.school_id,
    event: 'account_locked',
    titleKey: 'notifications.accountLocked',
    params: { username: u.username },
    subject: `Account locked / 帳戶已鎖定: ${u.username}`,
    body,
    idemKey,
    fallbackPermission: 'users.unlock',
  });
  await notifyUser(q, d.clock, {
    schoolId: u.school_id,
    userId: u.id,
    kind: 'security.account_locked',
    titleKey: 'notifications.yourSignInPaused',
    params: { address: where },
    idemKey: `${idemKey}:self`,
  });
  if (u.email)
    await queueMail(q, d.clock, d.smtpConfigured, {
      schoolId: u.school_id,
      to: u.email,
      subject: `Repeated failed sign-ins to your account / 你的帳戶多次登入失敗`,
      body:
        `Someone tried to sign in to your account ${u.username} from ${where} and failed repeatedly, so sign-in from there is paused. ` +
        `If this was not you, tell your school's administrator. Sign-in from where you normally work keeps working.\n` +
        `有人從 ${where} 多次嘗試登入你的帳戶 ${u.username} 但失敗，該處的登入已暫停。如非你本人，請通知學校的系統管理員。你慣用的網絡位址不受影響。`,
      idemKey: `${idemKey}:self:mail`,
    });
}
