import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import { checkPassword } from '../../../core/auth/password.js';
import { findSignInUser } from '../../../core/auth/queries/users.js';
import { type AuthDeps, hashFor, passwordReused } from '../../../core/auth/service.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { assertOutranks } from '../policy.js';
import {
  type TargetUserRow,
  deleteAuthFailures,
  deleteSessionsOf,
  findUserIdentity,
  heldRightsOf,
  lockUser,
  setAdminPassword,
  unlockAccount,
} from '../queries/users.js';

/** The account an administrator acts on, locked; the administrator must hold every right it holds. */
async function targetAccount(q: Queryable, a: Actor, userId: string): Promise<TargetUserRow> {
  const u = await lockUser(q, userId);
  if (!u) throw new AppError('not_found');
  assertOutranks(a, await heldRightsOf(q, u.id));
  return u;
}

export async function unlockUser(d: AuthDeps, a: Actor, userId: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const u = await targetAccount(q, a, userId);
    await unlockAccount(q, u.id);
    await deleteAuthFailures(q, u.id);
    await audit(q, d.clock, { ...who(a), action: 'users.unlocked', target: `user:${u.id}`, details: { username: u.username } });
  });
}

/** An administrator sets a new password; the person must change it at next sign-in, and is signed out everywhere. */
export async function resetPassword(d: AuthDeps, a: Actor, userId: string, newPassword: string): Promise<void> {
  const found = await d.db.school(a.schoolId, (q) => findUserIdentity(q, userId));
  if (!found) throw new AppError('not_found');
  const policy = checkPassword(newPassword, [found.username, found.display_name_en, found.display_name_zh, found.email?.split('@')[0]]);
  if (policy) throw new AppError(policy);
  // The break-glass password lives only on its sheet (a new one is printed instead); no account takes back one of its last five.
  const current = await d.db.school(a.schoolId, (q) => findSignInUser(q, userId));
  if (current?.account_kind === 'break_glass') throw new AppError('break_glass_sealed');
  if (current && (await passwordReused(d.db, a.schoolId, current.id, current.password_hash, newPassword)))
    throw new AppError('password_reused');
  const hash = await hashFor(d, newPassword);
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    const u = await targetAccount(q, a, userId);
    await setAdminPassword(q, u.id, hash, d.clock.now());
    const ended = await deleteSessionsOf(q, u.id);
    await audit(q, d.clock, {
      ...who(a),
      action: 'users.password_reset',
      target: `user:${u.id}`,
      details: { username: u.username, sessionsEnded: ended.length },
    });
    return ended;
  });
  await d.sessions.forget(hashes);
}
