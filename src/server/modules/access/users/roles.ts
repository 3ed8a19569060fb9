import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { AppError } from '../../../core/errors.js';
import { keysOf } from '../common.js';
import { assertMayGrant } from '../policy.js';
import { permissionsOfRoles } from '../queries/roles.js';
import { lockSchool } from '../queries/school.js';
import { deleteUserRoles, insertUserRole, listUserRoleIds, lockUser } from '../queries/users.js';
import { announcePrivilegeChange, assertAdminRemains } from '../rights.js';

/** Set a person's roles. Every right given or taken away must be held by the administrator; the person gets a new session. */
export async function setUserRoles(d: AuthDeps, a: Actor, userId: string, roleIds: string[]): Promise<void> {
  const wanted = [...new Set(roleIds)];
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    // One role change at a time per school, so two administrators cannot remove each other's rights at once.
    await lockSchool(q, a.schoolId);
    const u = await lockUser(q, userId);
    if (!u) throw new AppError('not_found');
    const current = await listUserRoleIds(q, u.id);
    const added = wanted.filter((r) => !current.includes(r));
    const removed = current.filter((r) => !wanted.includes(r));
    if (!added.length && !removed.length) return [];
    const addedPerms = await permissionsOfRoles(q, added);
    if (addedPerms.found !== added.length) throw new AppError('not_found');
    const removedPerms = await permissionsOfRoles(q, removed);
    // Granting needs the granter to hold every right granted; so does taking rights away.
    assertMayGrant(a, [...addedPerms.permissions, ...removedPerms.permissions]);
    const now = d.clock.now();
    if (removed.length) await deleteUserRoles(q, u.id, removed);
    for (const roleId of added) await insertUserRole(q, { schoolId: a.schoolId, userId: u.id, roleId, at: now, grantedBy: a.userId });
    await assertAdminRemains(q);
    await audit(q, d.clock, {
      ...who(a),
      action: 'users.roles_changed',
      target: `user:${u.id}`,
      details: { username: u.username, added, removed },
    });
    await announcePrivilegeChange(d, q, a, u.username, keysOf(addedPerms.permissions), 'granted');
    await announcePrivilegeChange(d, q, a, u.username, keysOf(removedPerms.permissions), 'removed');
    return d.sessions.rightsChanged(q, u.id);
  });
  await d.sessions.forget(hashes);
}
