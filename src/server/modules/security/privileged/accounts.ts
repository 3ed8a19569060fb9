import { type Actor, who } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { audit } from '../../../core/audit/audit.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { assertOutranks } from '../../access/service.js';
import { type PrivilegedAccountRow, deleteSessionsOf, lockAccount, requirePasswordChange, rightsOf, setAccountKind } from './queries.js';

/** The account an administrator acts on, held; the administrator must hold every right it holds. */
async function target(q: Queryable, a: Actor, userId: string): Promise<PrivilegedAccountRow> {
  const u = await lockAccount(q, userId);
  if (!u) throw new AppError('not_found');
  assertOutranks(a, await rightsOf(q, u.id));
  return u;
}

/**
 * Mark an account personal or shared (memo S1: the memo's sysadmin / asysadmin logins are shared).
 * A shared password then follows the school's rotation period. The break-glass account keeps its kind.
 */
export async function setKind(d: Pick<AuthDeps, 'db' | 'clock'>, a: Actor, userId: string, kind: 'personal' | 'shared'): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const u = await target(q, a, userId);
    if (u.account_kind === 'break_glass') throw new AppError('break_glass_sealed');
    if (u.account_kind === kind) return;
    await setAccountKind(q, u.id, kind);
    await audit(q, d.clock, {
      ...who(a),
      action: 'privileged.kind_changed',
      target: `user:${u.id}`,
      details: { username: u.username, before: u.account_kind, after: kind },
    });
  });
}

/**
 * Require a new password "on suspicion" (memo S1; personal passwords are otherwise never forced to
 * change, ASVS 5 6.2.10): the person changes it at their next sign-in, within a week, and every session
 * of theirs ends now. For the break-glass account the answer is a new sheet instead.
 */
export async function requireChange(d: Pick<AuthDeps, 'db' | 'clock' | 'sessions'>, a: Actor, userId: string): Promise<void> {
  const ended = await d.db.schoolTx(a.schoolId, async (q) => {
    const u = await target(q, a, userId);
    if (u.account_kind === 'break_glass') throw new AppError('break_glass_sealed');
    await requirePasswordChange(q, u.id, d.clock.now());
    const hashes = await deleteSessionsOf(q, u.id);
    await audit(q, d.clock, {
      ...who(a),
      action: 'privileged.change_required',
      target: `user:${u.id}`,
      details: { username: u.username, kind: u.account_kind, sessionsEnded: hashes.length },
    });
    return hashes;
  });
  await d.sessions.forget(ended);
}
