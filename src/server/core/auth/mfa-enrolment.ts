import QRCode from 'qrcode';
import type { SessionStage } from '../../../contracts/auth.js';
import { audit } from '../audit/audit.js';
import { subKey } from '../crypto/secrets.js';
import { AppError } from '../errors.js';
import { who } from './actor.js';
import { type AuthDeps, type Origin, signInUser } from './common.js';
import { completesSignIn, stageAfterEnrolment } from './policy.js';
import { findSchoolNumber } from './queries/sso.js';
import { signedInFrom } from './failures.js';
import { completeEnrolment, findEnrolment, setPendingTotp } from './queries/users.js';
import { replaceRecoveryCodes } from './recovery-codes.js';
import type { Session } from './sessions.js';
import { checkTotp, newTotpSecret, openTotp, sealTotp, totpUri } from './totp.js';

/** Begin enrolling an authenticator app: a new seed, kept pending until a code from it is confirmed. */
export async function startEnrolment(
  d: AuthDeps,
  s: Session,
  origin: Origin,
): Promise<{ secret: string; otpauthUri: string; qrDataUrl: string }> {
  const secret = newTotpSecret();
  const schoolNumber = await d.db.schoolTx(s.schoolId, async (q) => {
    const u = await signInUser(q, s.userId);
    if (u.mfa_enrolled_at) throw new AppError('conflict');
    await setPendingTotp(q, u.id, sealTotp(subKey(d.serverKey, 'totp'), u.id, secret));
    await audit(q, d.clock, { ...who({ ...s, ip: origin.ip }), action: 'auth.mfa_enrolment_started', target: `user:${u.id}` });
    return (await findSchoolNumber(q, s.schoolId)) ?? '';
  });
  const otpauthUri = totpUri(secret, `HK School Admin ${schoolNumber}`.trim(), s.username);
  return { secret, otpauthUri, qrDataUrl: await QRCode.toDataURL(otpauthUri, { margin: 1, width: 220 }) };
}

/** Confirm the pending seed with a code from it: it becomes the person's authenticator, with new recovery codes. */
export async function confirmEnrolment(
  d: AuthDeps,
  s: Session,
  code: string,
  origin: Origin,
): Promise<{ codes: string[]; token: string; stage: SessionStage }> {
  const key = subKey(d.serverKey, 'totp');
  const row = await d.db.school(s.schoolId, (q) => findEnrolment(q, s.userId));
  if (!row?.totp_pending || row.mfa_enrolled_at) throw new AppError('conflict');
  const step = await checkTotp(openTotp(key, s.userId, row.totp_pending), code, d.clock.now(), null);
  const by = who({ ...s, ip: origin.ip });
  if (step === null) {
    await d.db.schoolTx(s.schoolId, (q) =>
      audit(q, d.clock, { ...by, action: 'auth.mfa_failed', outcome: 'failure', details: { reason: 'enrolment_code' } }),
    );
    throw new AppError('mfa_invalid');
  }
  const out = await d.db.schoolTx(s.schoolId, async (q) => {
    await completeEnrolment(q, s.userId, step, d.clock.now());
    const codes = await replaceRecoveryCodes(q, s);
    const stage = stageAfterEnrolment(s.stage);
    const signsIn = completesSignIn(s.stage, stage);
    if (signsIn) await signedInFrom(q, { id: s.userId, school_id: s.schoolId }, origin.ip, d.clock.now());
    const token = await d.sessions.rotate(q, s, stage, origin.ip, origin.userAgent);
    await audit(q, d.clock, { ...by, action: 'auth.mfa_enrolled', target: `user:${s.userId}` });
    // A first sign-in that ends with enrolling is a sign-in like any other: the log says so.
    if (signsIn) await audit(q, d.clock, { ...by, action: 'auth.login', target: `user:${s.userId}`, details: { mfa: 'enrolment' } });
    return { codes, token, stage };
  });
  await d.sessions.forget([s.tokenHash]);
  return out;
}
