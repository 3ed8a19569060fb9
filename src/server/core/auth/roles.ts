import type { Clock } from '../clock.js';
import type { Queryable } from '../db/types.js';
import { ROLE_TEMPLATES, type RoleTemplate, permissionKey, scopeOf } from './permissions.js';
import { insertRole, insertRolePermissions } from './queries/roles.js';

/** Give a new school the role templates of the memo's personnel. Returns role ids by template key. */
export async function seedRoles(
  q: Queryable,
  clock: Clock,
  schoolId: string,
  templates: RoleTemplate[] = ROLE_TEMPLATES,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const t of templates) {
    const id = await insertRole(q, { schoolId, templateKey: t.key, nameZh: t.nameZh, nameEn: t.nameEn, createdAt: clock.now() });
    if (!id) throw new Error('role not created');
    ids.set(t.key, id);
    if (t.permissions.length) await insertRolePermissions(q, schoolId, id, t.permissions.map(permissionKey), t.permissions.map(scopeOf));
  }
  return ids;
}

/** The active people of the school in `q` who hold `permission` (through any role), with their e-mail. */
export { findActiveHolders as activeHolders } from './queries/roles.js';
