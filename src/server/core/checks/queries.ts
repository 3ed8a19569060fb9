import type { PermissionKey } from '../../../contracts/permissions.js';
import type { Queryable } from '../db/types.js';

/** People named as a check's owner: the active holders of its permission, by name, at most `limit`. */
export async function ownerNames(q: Queryable, permission: PermissionKey, limit: number): Promise<string[]> {
  const rows = await q.query<{ name: string }>(
    `SELECT DISTINCT coalesce(u.display_name_zh || ' ' || u.display_name_en, u.display_name_en) AS name
       FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
      WHERE rp.permission = $1 AND u.status = 'active'
      ORDER BY 1 LIMIT $2`,
    [permission, limit],
  );
  return rows.map((r) => r.name);
}
