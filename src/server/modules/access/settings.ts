import { type Actor, who } from '../../core/auth/actor.js';
import { audit } from '../../core/audit/audit.js';
import { CATALOGUE, heldBy } from '../../core/auth/permissions.js';
import type { AuthDeps } from '../../core/auth/service.js';
import { AppError } from '../../core/errors.js';
import { findPrivilegedLimit, findSchoolKind, lockPrivilegedLimit, updatePrivilegedLimit } from './queries/school.js';

/** The school's limits that governance checks use. */
export async function getSettings(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const r = await d.db.school(schoolId, (q) => findPrivilegedLimit(q, schoolId));
  if (!r) throw new AppError('not_found');
  return { privilegedLimit: r.privileged_limit };
}

export async function putSettings(d: AuthDeps, a: Actor, s: { privilegedLimit: number }): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const old = await lockPrivilegedLimit(q, a.schoolId);
    await updatePrivilegedLimit(q, a.schoolId, s.privilegedLimit);
    await audit(q, d.clock, {
      ...who(a),
      action: 'school.settings_changed',
      target: `school:${a.schoolId}`,
      details: { before: { privilegedLimit: old?.privileged_limit }, after: s },
    });
  });
}

/** The permissions this kind of organisation can hold: a school never sees the authorities' and vice versa. */
export async function permissionCatalogue(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const kind = (await d.db.school(schoolId, (q) => findSchoolKind(q, schoolId))) ?? 'school';
  return [...CATALOGUE.values()]
    .filter((p) => heldBy(p, kind))
    .map((p) => ({ key: p.key, module: p.module, security: !!p.security, privileged: !!p.privileged }));
}
