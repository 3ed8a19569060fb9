import type { SessionStage } from '../../../contracts/auth.js';
import { audit } from '../audit/audit.js';
import { subKey } from '../crypto/secrets.js';
import { AppError } from '../errors.js';
import { who } from './actor.js';
import { type AuthDeps, type Origin, signInUser } from './common.js';
import { forgetFailuresFrom, pausedFor, recordFailure, signedInFrom } from './failures.js';
import { completesSignIn, stageAfter } from './policy.js';
import { useRecoveryCode } from './queries/recovery-codes.js';
import { advanceTotpStep } from './queries/users.js';
import type { Session } from './sessions.js';
import { checkTotp, hashRecoveryCode, openTotp } from './totp.js';

/** Second step: a TOTP code or a single-use recovery code. */
export async function verifyMfa(d: AuthDeps, s: Session, code: string, origin: Origin): Promise<{ token: string; stage: SessionStage }> {
  if (s.stage !== 'mfa') throw new AppError('conflict');
  const u = await d.db.school(s.schoolId, (q) => signInUser(q, s.userId));
  // Someone who already gave the right password may learn that their own address is paused.
  const locked = await d.db.school(s.schoolId, (q) => pausedFor(q, u.id, origin.ip, d.clock.now()));
  if (locked) throw new AppError('account_locked', { retryAfter: locked });
  if (!u.totp_secret) throw new AppError('conflict');
  const now = d.clock.now();
  const key = subKey(d.serverKey, 'totp');
  let step: number | null = null;
  if (/^\d{6}$/.test(code)) step = await checkTotp(openTotp(key, u.id, u.totp_secret), code, now, u.totp_last_step);
  const result = await d.db.schoolTx(s.schoolId, async (q) => {
    let how: 'totp' | 'recovery' | null = null;
    if (step !== null) {
      if (await advanceTotpStep(q, u.id, step)) how = 'totp';
    } else if (await useRecoveryCode(q, u.id, hashRecoveryCode(code), now)) {
      how = 'recovery';
    }
    if (!how) return null;
    // Someone who signs in only through single sign-on has no password to change (they came by the provider).
    const mustChange = u.must_change_password && u.sso_mode !== 'required';
    const stage = stageAfter('mfa', { enrolled: true, mustChange, mfaRequired: u.mfa_required });
    await forgetFailuresFrom(q, u.id, origin.ip);
    if (completesSignIn(s.stage, stage)) await signedInFrom(q, u, origin.ip, now);
    const token = await d.sessions.rotate(q, s, stage, origin.ip, origin.userAgent);
    const by = who({ ...s, ip: origin.ip });
    await audit(q, d.clock, { ...by, action: 'auth.mfa_verified', target: `user:${u.id}`, details: { method: how } });
    if (stage === 'done') await audit(q, d.clock, { ...by, action: 'auth.login', target: `user:${u.id}`, details: { mfa: how } });
    return { token, stage };
  });
  if (!result) {
    const lockedNow = await recordFailure(d, u, origin, 'auth.mfa_failed', 'bad_code');
    throw lockedNow ? new AppError('account_locked', { retryAfter: lockedNow }) : new AppError('mfa_invalid');
  }
  await d.sessions.forget([s.tokenHash]);
  return result;
}
