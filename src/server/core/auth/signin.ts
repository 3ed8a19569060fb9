import type { SessionStage } from '../../../contracts/auth.js';
import { audit } from '../audit/audit.js';
import { AppError } from '../errors.js';
import { type AuthDeps, type Origin, hashFor, signingIn } from './common.js';
import { recordFailure } from './failures.js';
import { lockedSeconds } from './lockout.js';
import { checkNetworkAtSignIn } from './network-refused.js';
import { verifyPassword } from './password.js';
import { completesSignIn, firstStage, rateLimitWait, rateWindowStart } from './policy.js';
import { clearAuthFailures, countAttempt } from './queries/failures.js';
import { findSignInUserByUsername, setLastLogin } from './queries/users.js';

let dummyHash: Promise<string> | undefined;

async function rateLimit(d: AuthDeps, ip: string): Promise<void> {
  const now = d.clock.now();
  const window = rateWindowStart(now);
  const count = await d.db.system((q) => countAttempt(q, `login:${ip}`, window));
  const wait = rateLimitWait(count, d.config.LOGIN_RATE_PER_MINUTE, window, now);
  if (wait) throw new AppError('rate_limited', { retryAfter: wait });
}

/** The password step of signing in: opens a session at the next step (or fully signed in). */
export async function login(
  d: AuthDeps,
  username: string,
  password: string,
  origin: Origin,
): Promise<{ token: string; stage: SessionStage }> {
  await rateLimit(d, origin.ip);
  const u = await d.db.system((q) => findSignInUserByUsername(q, username));
  if (!u) {
    dummyHash ??= hashFor(d, 'not-a-password-of-anyone');
    await verifyPassword(await dummyHash, password); // same time as a real check: do not reveal who exists
    await d.db.systemTx((q) =>
      audit(q, d.clock, {
        schoolId: null,
        actorName: username.slice(0, 64),
        ip: origin.ip,
        action: 'auth.login_failed',
        outcome: 'failure',
        details: { reason: 'unknown_user' },
      }),
    );
    throw new AppError('invalid_credentials');
  }
  const by = signingIn(u.school_id, u, origin.ip);
  const now = d.clock.now();
  const locked = lockedSeconds(u.locked_until, now);
  if (locked) {
    await d.db.schoolTx(u.school_id, (q) =>
      audit(q, d.clock, {
        ...by,
        action: 'auth.login_failed',
        target: `user:${u.id}`,
        outcome: 'failure',
        details: { reason: 'locked' },
      }),
    );
    throw new AppError('account_locked', { retryAfter: locked });
  }
  if (!(await verifyPassword(u.password_hash, password))) {
    const lockedNow = await recordFailure(d, u, origin, 'auth.login_failed', 'bad_password');
    throw lockedNow ? new AppError('account_locked', { retryAfter: lockedNow }) : new AppError('invalid_credentials');
  }
  if (u.status !== 'active') {
    await d.db.schoolTx(u.school_id, (q) =>
      audit(q, d.clock, { ...by, action: 'auth.login_failed', outcome: 'failure', details: { reason: 'disabled' } }),
    );
    throw new AppError('account_disabled');
  }
  if (u.sso_mode === 'required') {
    // This person signs in only through the school's single sign-on (memo U2).
    await d.db.schoolTx(u.school_id, (q) =>
      audit(q, d.clock, { ...by, action: 'auth.login_failed', outcome: 'failure', details: { reason: 'sso_required' } }),
    );
    throw new AppError('sso_required');
  }
  await checkNetworkAtSignIn(d, { schoolId: u.school_id, userId: u.id, username: u.username }, origin.ip, now);
  const stage = firstStage({ enrolled: !!u.mfa_enrolled_at, mustChange: u.must_change_password, mfaRequired: u.mfa_required });
  const token = await d.db.schoolTx(u.school_id, async (q) => {
    // Failures are forgotten only when sign-in is complete: a right password must not reset the
    // count of wrong second-factor codes.
    if (completesSignIn(null, stage)) {
      await clearAuthFailures(q, u.id);
      await setLastLogin(q, u.id, now);
    }
    const s = await d.sessions.create(q, { schoolId: u.school_id, userId: u.id, stage, ip: origin.ip, userAgent: origin.userAgent });
    await audit(q, d.clock, {
      ...by,
      action: stage === 'done' ? 'auth.login' : 'auth.password_verified',
      target: `session:${s.id}`,
      details: { next: stage },
    });
    return s.token;
  });
  return { token, stage };
}
