import type { z } from 'zod';
import type { MemberBody } from '../../../../contracts/admin.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { AppError } from '../../../core/errors.js';
import { hkToday, keysOf, pairsOf } from '../common.js';
import { assertMayGrant, assertMemberDates, startsLater } from '../policy.js';
import { deleteMembership, deletePlannedGrants, listRoleGrants, lockRole, upsertPlannedGrant, upsertUserRole } from '../queries/roles.js';
import { lockSchool } from '../queries/school.js';
import { findUser, findUsername } from '../queries/users.js';
import { announcePrivilegeChange, assertAdminRemains } from '../rights.js';

/** Give a person a role, now or from a date, optionally until a date. */
export async function addMember(d: AuthDeps, a: Actor, roleId: string, b: z.infer<typeof MemberBody>): Promise<void> {
  const today = hkToday(d.clock);
  assertMemberDates(b, today);
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    await lockSchool(q, a.schoolId);
    if (!(await lockRole(q, roleId))) throw new AppError('not_found');
    const grants = pairsOf(await listRoleGrants(q, roleId));
    assertMayGrant(a, grants);
    const u = await findUser(q, b.userId);
    if (!u) throw new AppError('not_found');
    const now = d.clock.now();
    if (startsLater(b.startsOn, today)) {
      await upsertPlannedGrant(q, {
        schoolId: a.schoolId,
        userId: u.id,
        roleId,
        startsOn: b.startsOn,
        endsOn: b.endsOn ?? null,
        grantedBy: a.userId,
        at: now,
      });
      await audit(q, d.clock, {
        ...who(a),
        action: 'roles.member_added',
        target: `role:${roleId}`,
        details: { user: u.username, startsOn: b.startsOn, endsOn: b.endsOn ?? null, planned: true },
      });
      return [];
    }
    await upsertUserRole(q, { schoolId: a.schoolId, userId: u.id, roleId, at: now, grantedBy: a.userId, endsOn: b.endsOn ?? null });
    await audit(q, d.clock, {
      ...who(a),
      action: 'roles.member_added',
      target: `role:${roleId}`,
      details: { user: u.username, endsOn: b.endsOn ?? null },
    });
    await announcePrivilegeChange(d, q, a, u.username, keysOf(grants), 'granted');
    return d.sessions.rightsChanged(q, u.id);
  });
  await d.sessions.forget(hashes);
}

/** Take a person out of a role (and off any plan to give it to them). */
export async function removeMember(d: AuthDeps, a: Actor, roleId: string, userId: string): Promise<void> {
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    await lockSchool(q, a.schoolId);
    if (!(await lockRole(q, roleId))) throw new AppError('not_found');
    const grants = pairsOf(await listRoleGrants(q, roleId));
    assertMayGrant(a, grants);
    const held = await deleteMembership(q, roleId, userId);
    const planned = await deletePlannedGrants(q, roleId, userId);
    if (!held && !planned) throw new AppError('not_found');
    await assertAdminRemains(q);
    const username = (await findUsername(q, userId)) ?? userId;
    await audit(q, d.clock, { ...who(a), action: 'roles.member_removed', target: `role:${roleId}`, details: { user: username } });
    if (!held) return [];
    await announcePrivilegeChange(d, q, a, username, keysOf(grants), 'removed');
    return d.sessions.rightsChanged(q, userId);
  });
  await d.sessions.forget(hashes);
}
