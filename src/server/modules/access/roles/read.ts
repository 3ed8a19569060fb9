import type { z } from 'zod';
import type { AccessQuery } from '../../../../contracts/admin.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { AppError } from '../../../core/errors.js';
import { findRole, listAccess, listRoleGrants, listRoleMembers, listRoleSummaries } from '../queries/roles.js';
import { toAccessRowView, toRoleDetail, toRoleView } from '../views.js';

export async function listRoles(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) => listRoleSummaries(q));
  return rows.map(toRoleView);
}

/** A role with its rights and its members, now and planned. */
export async function getRole(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string) {
  return d.db.school(schoolId, async (q) => {
    const r = await findRole(q, id);
    if (!r) throw new AppError('not_found');
    const members = await listRoleMembers(q, id);
    return toRoleDetail(r, await listRoleGrants(q, id), members);
  });
}

/** Who can do what: per permission or per person, with the roles that give it. */
export async function accessMatrix(d: Pick<AuthDeps, 'db'>, schoolId: string, f: z.infer<typeof AccessQuery>) {
  const rows = await d.db.school(schoolId, (q) => listAccess(q, { permission: f.permission ?? null, userId: f.userId ?? null }));
  return rows.map(toAccessRowView);
}
