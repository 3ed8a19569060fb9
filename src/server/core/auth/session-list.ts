import type { z } from 'zod';
import type { SessionView } from '../../../contracts/account.js';
import { audit } from '../audit/audit.js';
import { AppError } from '../errors.js';
import { who } from './actor.js';
import type { AuthDeps } from './common.js';
import { deleteSessionById, listSessions as listSessionRows } from './queries/sessions.js';
import type { Session } from './sessions.js';
import { toSessionView } from './views.js';

/** The school's open sessions (or one person's), marking the caller's own. */
export async function listSessions(
  d: Pick<AuthDeps, 'db' | 'sessions'>,
  schoolId: string,
  current: { tokenHash: Buffer },
  userId?: string,
): Promise<z.infer<typeof SessionView>[]> {
  const rows = await d.db.school(schoolId, (q) => listSessionRows(q, userId ?? null));
  return rows
    .filter((r) => !d.sessions.isExpired({ createdAt: r.created_at, lastSeenAt: r.last_seen_at }))
    .map((r) => toSessionView(r, current.tokenHash));
}

/** End one session: one's own (my sessions) or anyone's in the school (force sign-out). */
export async function endSession(
  d: Pick<AuthDeps, 'db' | 'sessions' | 'clock'>,
  actor: Session,
  sessionId: string,
  opts: { ownOnly: boolean; ip: string },
): Promise<void> {
  const hash = await d.db.schoolTx(actor.schoolId, async (q) => {
    const row = await deleteSessionById(q, sessionId, opts.ownOnly ? actor.userId : null);
    if (!row) throw new AppError('not_found');
    await audit(q, d.clock, {
      ...who({ ...actor, ip: opts.ip }),
      action: 'sessions.revoked',
      target: `session:${sessionId}`,
      details: { user: row.user_id, forced: !opts.ownOnly },
    });
    return Buffer.from(row.token_hash);
  });
  await d.sessions.forget([hash]);
}
