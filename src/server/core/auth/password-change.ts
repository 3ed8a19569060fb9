import type { SessionStage } from '../../../contracts/auth.js';
import { audit } from '../audit/audit.js';
import { AppError } from '../errors.js';
import { who } from './actor.js';
import { type AuthDeps, type Origin, hashFor, signInUser } from './common.js';
import { recordFailure, signedInFrom } from './failures.js';
import { checkPassword, verifyPassword } from './password.js';
import { passwordReused } from './password-history.js';
import { completesSignIn, mayChangePassword, stageAfterPasswordChange } from './policy.js';
import { deleteSessions } from './queries/sessions.js';
import { setPassword } from './queries/users.js';
import type { Session } from './sessions.js';

/** Change one's own password: every other session of the person ends. */
export async function changePassword(
  d: AuthDeps,
  s: Session,
  current: string,
  next: string,
  origin: Origin,
): Promise<{ token: string; stage: SessionStage }> {
  if (!mayChangePassword(s.stage)) throw new AppError('mfa_required');
  const u = await d.db.school(s.schoolId, (q) => signInUser(q, s.userId));
  // The break-glass password lives only on its printed sheet: it changes by printing a new one (memo S1).
  if (u.account_kind === 'break_glass') throw new AppError('break_glass_sealed');
  const policy = checkPassword(next, [u.username, u.display_name_en, u.display_name_zh, u.email?.split('@')[0]]);
  if (policy) throw new AppError(policy);
  if (!(await verifyPassword(u.password_hash, current))) {
    const locked = await recordFailure(d, u, origin, 'auth.password_change_failed', 'bad_current_password');
    throw locked ? new AppError('account_locked', { retryAfter: locked }) : new AppError('invalid_credentials');
  }
  if (await passwordReused(d.db, s.schoolId, u.id, u.password_hash, next)) throw new AppError('password_reused');
  const hash = await hashFor(d, next);
  const now = d.clock.now();
  const { token, stage, others } = await d.db.schoolTx(s.schoolId, async (q) => {
    await setPassword(q, u.id, hash, now);
    const others = (await d.sessions.hashesOfUser(q, u.id)).filter((h) => !h.equals(s.tokenHash));
    await deleteSessions(q, others);
    const stage = stageAfterPasswordChange(s.stage, { enrolled: !!u.mfa_enrolled_at, mfaRequired: u.mfa_required });
    if (completesSignIn(s.stage, stage)) await signedInFrom(q, u, origin.ip, now);
    const token = await d.sessions.rotate(q, s, stage, origin.ip, origin.userAgent);
    await audit(q, d.clock, {
      ...who({ ...s, ip: origin.ip }),
      action: 'auth.password_changed',
      target: `user:${u.id}`,
      details: { otherSessionsEnded: others.length },
    });
    return { token, stage, others };
  });
  await d.sessions.forget([s.tokenHash, ...others]);
  return { token, stage };
}
