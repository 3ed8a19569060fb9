import type { SessionStage } from '../../../contracts/auth.js';
import { audit } from '../audit/audit.js';
import { AppError } from '../errors.js';
import { type AuthDeps, type Origin, hashFor, signingIn } from './common.js';
import { breakGlassSignIn } from './break-glass.js';
import { settlePasswordStep, signedInFrom } from './failures.js';
import { checkNetworkAtSignIn } from './network-refused.js';
import { verifyPassword } from './password.js';
import { completesSignIn, firstStage, rateLimitWait, rateWindowStart } from './policy.js';
import { countAttempt } from './queries/failures.js';
import { findOnlySchoolCode, findSignInUserByUsername } from './queries/users.js';

let dummyHash: Promise<string> | undefined;

async function rateLimit(d: AuthDeps, ip: string): Promise<void> {
  const now = d.clock.now();
  const window = rateWindowStart(now);
  const count = await d.db.system((q) => countAttempt(q, `login:${ip}`, window));
  const wait = rateLimitWait(count, d.config.LOGIN_RATE_PER_MINUTE, window, now);
  if (wait) throw new AppError('rate_limited', { retryAfter: wait });
}

/**
 * The password step of signing in: opens a session at the next step (or fully signed in).
 * The name is looked up within the organisation whose code (school number) the form sends; a name
 * unknown there, a wrong password and an address whose sign-in is paused get the same answer
 * (`sign_in_failed`, nothing else) after the same work (one password hash check, one transaction),
 * so neither the answer nor its time tells which names exist or that someone's sign-in was paused.
 */
export async function login(
  d: AuthDeps,
  username: string,
  password: string,
  school: string | undefined,
  origin: Origin,
): Promise<{ token: string; stage: SessionStage }> {
  await rateLimit(d, origin.ip);
  const u = await d.db.system((q) => findSignInUserByUsername(q, username, school || null));
  // The password is checked whoever the name is (a dummy hash for a name that does not exist) and
  // even when sign-in from here is paused: the same work as any other answer.
  dummyHash ??= hashFor(d, 'not-a-password-of-anyone');
  const right = (await verifyPassword(u ? u.password_hash : await dummyHash, password)) && !!u;
  if (!(await settlePasswordStep(d, u, { username, school: school || null, right }, origin))) throw new AppError('sign_in_failed');
  if (!u) throw new AppError('sign_in_failed'); // settled above: an unknown name never goes on
  const by = signingIn(u.school_id, u, origin.ip);
  const now = d.clock.now();
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
  if (u.account_kind === 'break_glass') return breakGlassSignIn(d, u, origin);
  const stage = firstStage({ enrolled: !!u.mfa_enrolled_at, mustChange: u.must_change_password, mfaRequired: u.mfa_required });
  const token = await d.db.schoolTx(u.school_id, async (q) => {
    // Failures are forgotten only when sign-in is complete: a right password must not reset the
    // count of wrong second-factor codes.
    if (completesSignIn(null, stage)) await signedInFrom(q, u, origin.ip, now);
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

/** What the login form needs: the only organisation's code (prefilled), or null when the person types it. */
export async function signInOptions(d: Pick<AuthDeps, 'db'>): Promise<{ schoolCode: string | null }> {
  return { schoolCode: await d.db.system((q) => findOnlySchoolCode(q)) };
}
