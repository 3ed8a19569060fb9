import type { z } from 'zod';
import type { RoleBody } from '../../../../contracts/admin.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { AppError } from '../../../core/errors.js';
import { keysOf, pairsOf } from '../common.js';
import { assertMayGrant, assertRoleDeletable, validGrants } from '../policy.js';
import {
  countRoleAssignments,
  deleteRole as deleteRoleRow,
  deleteRoleGrants,
  insertRole,
  insertRoleGrants,
  listRoleGrants,
  listRoleHolders,
  lockRole,
  roleExists,
  updateRoleNames,
} from '../queries/roles.js';
import { lockSchool } from '../queries/school.js';
import { announcePrivilegeChange, assertAdminRemains } from '../rights.js';

/** A new role; its rights must all be held by its author (no minting rights one lacks). */
export async function createRole(d: AuthDeps, a: Actor, body: z.infer<typeof RoleBody>): Promise<string> {
  const grants = validGrants(body.grants);
  assertMayGrant(a, pairsOf(grants));
  return d.db.schoolTx(a.schoolId, async (q) => {
    const r = await insertRole(q, { schoolId: a.schoolId, nameZh: body.nameZh, nameEn: body.nameEn, at: d.clock.now() });
    if (!r) throw new Error('role not created');
    if (grants.length) await insertRoleGrants(q, a.schoolId, r.id, grants);
    await audit(q, d.clock, {
      ...who(a),
      action: 'roles.created',
      target: `role:${r.id}`,
      details: { nameEn: body.nameEn, grants: pairsOf(grants) },
    });
    return r.id;
  });
}

/** Copy a role's rights (not its members) under a new name. */
export async function copyRole(d: AuthDeps, a: Actor, id: string, names: { nameZh: string; nameEn: string }): Promise<string> {
  const grants = await d.db.school(a.schoolId, async (q) => {
    if (!(await roleExists(q, id))) throw new AppError('not_found');
    return listRoleGrants(q, id);
  });
  return createRole(d, a, { ...names, grants });
}

/** Change a role's names and rights. Every right added or removed must be held; members get new sessions. */
export async function updateRole(d: AuthDeps, a: Actor, id: string, body: z.infer<typeof RoleBody>): Promise<void> {
  const grants = validGrants(body.grants);
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    await lockSchool(q, a.schoolId);
    const r = await lockRole(q, id);
    if (!r) throw new AppError('not_found');
    const before = pairsOf(await listRoleGrants(q, id));
    const after = pairsOf(grants);
    const added = after.filter((p) => !before.includes(p));
    const removed = before.filter((p) => !after.includes(p));
    assertMayGrant(a, [...added, ...removed]);
    await updateRoleNames(q, id, body, d.clock.now());
    await deleteRoleGrants(q, id);
    if (grants.length) await insertRoleGrants(q, a.schoolId, id, grants);
    await assertAdminRemains(q);
    await audit(q, d.clock, {
      ...who(a),
      action: 'roles.updated',
      target: `role:${id}`,
      details: { name: { before: r.name_en, after: body.nameEn }, added, removed },
    });
    const out: Buffer[] = [];
    for (const m of await listRoleHolders(q, id)) {
      out.push(...(await d.sessions.rightsChanged(q, m.user_id)));
      await announcePrivilegeChange(d, q, a, m.username, keysOf(added), 'granted');
      await announcePrivilegeChange(d, q, a, m.username, keysOf(removed), 'removed');
    }
    return out;
  });
  await d.sessions.forget(hashes);
}

/** A role nobody holds (or will hold) and that is not one of the memo's templates. */
export async function deleteRole(d: AuthDeps, a: Actor, id: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await lockRole(q, id);
    if (!r) throw new AppError('not_found');
    assertRoleDeletable({ templateKey: r.template_key }, await countRoleAssignments(q, id));
    await deleteRoleRow(q, id);
    await audit(q, d.clock, { ...who(a), action: 'roles.deleted', target: `role:${id}`, details: { nameEn: r.name_en } });
  });
}
