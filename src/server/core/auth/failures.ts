import type { AuditAction } from '../../../contracts/audit.js';
import { audit } from '../audit/audit.js';
import { securityEvent } from '../notify/notify.js';
import { type AuthDeps, type Origin, signingIn } from './common.js';
import { LOCKOUT_WINDOW_MS, lockoutDuration } from './lockout.js';
import { countFailuresSince, insertAuthFailure } from './queries/failures.js';
import { setLockedUntil } from './queries/users.js';

/**
 * Record a failed password or code: counts failures in the last 15 minutes and locks the
 * account for a time that doubles with each failure from the 10th (1 min … 15 min).
 * Returns the seconds the account is now locked for (0 when it is not).
 */
export async function recordFailure(
  d: AuthDeps,
  u: { id: string; school_id: string; username: string },
  origin: Origin,
  action: AuditAction,
  reason: string,
): Promise<number> {
  const now = d.clock.now();
  return d.db.schoolTx(u.school_id, async (q) => {
    await insertAuthFailure(q, u.school_id, u.id, now);
    const failures = await countFailuresSince(q, u.id, new Date(now.getTime() - LOCKOUT_WINDOW_MS));
    const by = signingIn(u.school_id, u, origin.ip);
    await audit(q, d.clock, { ...by, action, target: `user:${u.id}`, outcome: 'failure', details: { reason, failures } });
    const ms = lockoutDuration(failures);
    if (ms === 0) return 0;
    const until = new Date(now.getTime() + ms);
    await setLockedUntil(q, u.id, until);
    await audit(q, d.clock, {
      ...by,
      action: 'auth.lockout',
      target: `user:${u.id}`,
      details: { until: until.toISOString(), failures },
    });
    await securityEvent(q, d.clock, d.smtpConfigured, {
      schoolId: u.school_id,
      event: 'account_locked',
      titleKey: 'notifications.accountLocked',
      params: { username: u.username },
      subject: `Account locked / 帳戶已鎖定: ${u.username}`,
      body: `The account ${u.username} was locked after ${failures} failed sign-in attempts (from ${origin.ip}) until ${until.toISOString()}.\n帳戶 ${u.username} 因 ${failures} 次登入失敗已被鎖定。`,
      idemKey: `lockout:${u.id}:${until.toISOString()}`,
      fallbackPermission: 'users.unlock',
    });
    return Math.ceil(ms / 1000);
  });
}
