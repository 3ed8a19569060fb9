import type { Clock } from '../clock.js';
import type { Queryable } from '../db/types.js';
import { type PermissionKey, ROLE_TEMPLATES, type RoleTemplate, permissionKey, scopeOf } from './permissions.js';

/** Give a new school the role templates of the memo's personnel. Returns role ids by template key. */
export async function seedRoles(
  q: Queryable,
  clock: Clock,
  schoolId: string,
  templates: RoleTemplate[] = ROLE_TEMPLATES,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const t of templates) {
    const [r] = await q.query<{ id: string }>(
      'INSERT INTO roles (school_id, template_key, name_zh, name_en, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [schoolId, t.key, t.nameZh, t.nameEn, clock.now()],
    );
    if (!r) throw new Error('role not created');
    ids.set(t.key, r.id);
    if (t.permissions.length) {
      await q.query(
        'INSERT INTO role_permissions (school_id, role_id, permission, scope) SELECT $1, $2, p, s FROM unnest($3::text[], $4::text[]) AS x(p, s)',
        [schoolId, r.id, t.permissions.map(permissionKey), t.permissions.map(scopeOf)],
      );
    }
  }
  return ids;
}

/** The active people of the school in `q` who hold `permission` (through any role), with their e-mail. */
export async function activeHolders(q: Queryable, permission: PermissionKey): Promise<{ id: string; email: string | null }[]> {
  return q.query(
    `SELECT DISTINCT u.id, u.email FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
     WHERE rp.permission = $1 AND u.status = 'active'`,
    [permission],
  );
}
