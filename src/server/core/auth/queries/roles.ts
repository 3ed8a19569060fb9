import type { PermissionKey } from '../../../../contracts/permissions.js';
import type { Queryable } from '../../db/types.js';

export async function insertRole(
  q: Queryable,
  r: { schoolId: string; templateKey: string; nameZh: string; nameEn: string; createdAt: Date },
): Promise<string | undefined> {
  const [row] = await q.query<{ id: string }>(
    'INSERT INTO roles (school_id, template_key, name_zh, name_en, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [r.schoolId, r.templateKey, r.nameZh, r.nameEn, r.createdAt],
  );
  return row?.id;
}

/** Grant a role its permissions, each with its scope (`permissions[i]` at `scopes[i]`). */
export async function insertRolePermissions(
  q: Queryable,
  schoolId: string,
  roleId: string,
  permissions: string[],
  scopes: string[],
): Promise<void> {
  await q.query(
    'INSERT INTO role_permissions (school_id, role_id, permission, scope) SELECT $1, $2, p, s FROM unnest($3::text[], $4::text[]) AS x(p, s)',
    [schoolId, roleId, permissions, scopes],
  );
}

export interface HolderRow {
  id: string;
  email: string | null;
}

/** The active people of the school in `q` who hold `permission` (through any role), with their e-mail. */
export async function findActiveHolders(q: Queryable, permission: PermissionKey): Promise<HolderRow[]> {
  return q.query<HolderRow>(
    `SELECT DISTINCT u.id, u.email FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
     WHERE rp.permission = $1 AND u.status = 'active'`,
    [permission],
  );
}

export async function roleIdsOfUser(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.query<{ role_id: string }>('SELECT role_id FROM user_roles WHERE user_id = $1', [userId]);
  return rows.map((r) => r.role_id);
}
