import { audit } from '../audit/audit.js';
import { AppError } from '../errors.js';
import { who } from './actor.js';
import { type AuthDeps, type Origin, signInUser } from './common.js';
import { stageAfterRightsChange } from './policy.js';
import type { Session } from './sessions.js';

/** Re-issue a session whose person's rights changed (the guard calls this); returns the new token and session. */
export async function rotateForRights(d: AuthDeps, s: Session, origin: Origin): Promise<{ token: string; session: Session }> {
  const token = await d.db.schoolTx(s.schoolId, async (q) => {
    const u = await signInUser(q, s.userId);
    const stage = stageAfterRightsChange(s.stage, { enrolled: !!u.mfa_enrolled_at, mfaRequired: u.mfa_required });
    const t = await d.sessions.rotate(q, s, stage, origin.ip, origin.userAgent);
    await audit(q, d.clock, {
      ...who({ ...s, ip: origin.ip }),
      action: 'auth.session_rotated',
      details: { reason: 'rights_changed', stage },
    });
    return t;
  });
  await d.sessions.forget([s.tokenHash]);
  const session = await d.sessions.resolve(token);
  if (!session) throw new AppError('unauthenticated');
  return { token, session };
}
