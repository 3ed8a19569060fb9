import { audit } from '../audit/audit.js';
import { who } from './actor.js';
import type { AuthDeps, Origin } from './common.js';
import { deleteSession } from './queries/sessions.js';
import type { Session } from './sessions.js';

export async function logout(d: AuthDeps, s: Session, origin: Origin): Promise<void> {
  await d.db.schoolTx(s.schoolId, async (q) => {
    await deleteSession(q, s.tokenHash);
    await audit(q, d.clock, { ...who({ ...s, ip: origin.ip }), action: 'auth.logout', target: `session:${s.id}` });
  });
  await d.sessions.forget([s.tokenHash]);
}
