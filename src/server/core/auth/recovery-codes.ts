import { audit } from '../audit/audit.js';
import { subKey } from '../crypto/secrets.js';
import type { Queryable } from '../db/types.js';
import { AppError } from '../errors.js';
import { who } from './actor.js';
import { type AuthDeps, type Origin, signInUser } from './common.js';
import { recordFailure } from './failures.js';
import { deleteRecoveryCodes, insertRecoveryCodes } from './queries/recovery-codes.js';
import { advanceTotpStep } from './queries/users.js';
import type { Session } from './sessions.js';
import { checkTotp, hashRecoveryCode, newRecoveryCodes, openTotp } from './totp.js';

/** A fresh set of ten recovery codes replaces the person's old ones; the codes are shown once. */
export async function replaceRecoveryCodes(q: Queryable, s: Pick<Session, 'schoolId' | 'userId'>): Promise<string[]> {
  const codes = newRecoveryCodes(10);
  await deleteRecoveryCodes(q, s.userId);
  await insertRecoveryCodes(q, s.schoolId, s.userId, codes.map(hashRecoveryCode));
  return codes;
}

/** New recovery codes, for someone who proves they hold their authenticator with a current code. */
export async function regenerateRecoveryCodes(d: AuthDeps, s: Session, code: string, origin: Origin): Promise<string[]> {
  const u = await d.db.school(s.schoolId, (q) => signInUser(q, s.userId));
  if (!u.totp_secret) throw new AppError('conflict');
  const step = await checkTotp(openTotp(subKey(d.serverKey, 'totp'), u.id, u.totp_secret), code, d.clock.now(), u.totp_last_step);
  if (step === null) {
    await recordFailure(d, u, origin, 'auth.mfa_failed', 'regenerate_codes');
    throw new AppError('mfa_invalid');
  }
  return d.db.schoolTx(s.schoolId, async (q) => {
    if (!(await advanceTotpStep(q, u.id, step))) throw new AppError('mfa_invalid');
    const codes = await replaceRecoveryCodes(q, s);
    await audit(q, d.clock, { ...who({ ...s, ip: origin.ip }), action: 'auth.recovery_codes_regenerated', target: `user:${u.id}` });
    return codes;
  });
}
