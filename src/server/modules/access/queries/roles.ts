import type { Scope } from '../../../core/auth/permissions.js';
import type { Queryable } from '../../../core/db/types.js';

/** One right of a role: a catalogue permission and how far it reaches. */
export interface GrantRow {
  key: string;
  scope: Scope;
}

export interface RoleRow {
  id: string;
  template_key: string | null;
  name_zh: string;
  name_en: string;
}

export interface RoleSummaryRow extends RoleRow {
  permissions: string[] | null;
  members: number;
}

/** A person holding the role now, or planned to from a date. */
export interface RoleMemberRow {
  user_id: string;
  username: string;
  display_name_en: string;
  display_name_zh: string | null;
  starts_on: string | null;
  ends_on: string | null;
  planned: boolean;
}

/** Who can do what: one row per active person and permission, with the roles that give it. */
export interface AccessRow {
  user_id: string;
  username: string;
  display_name_en: string;
  display_name_zh: string | null;
  permission: string;
  scope: Scope;
  roles: string[];
}

export interface PlannedGrantRow {
  id: string;
  user_id: string;
  role_id: string;
  ends_on: string | null;
  granted_by: string | null;
}

/** What a set of roles grants: each permission as `key:scope`, and how many of the roles exist. */
export async function permissionsOfRoles(q: Queryable, roleIds: string[]): Promise<{ found: number; permissions: string[] }> {
  if (roleIds.length === 0) return { found: 0, permissions: [] };
  const [r] = await q.query<{ found: number; permissions: string[] | null }>(
    `SELECT (SELECT count(*) FROM roles WHERE id = ANY($1)) AS found,
            (SELECT array_agg(DISTINCT permission || ':' || scope) FROM role_permissions WHERE role_id = ANY($1)) AS permissions`,
    [roleIds],
  );
  return { found: r?.found ?? 0, permissions: r?.permissions ?? [] };
}

/** How many active people hold every one of these (system-administrator) permissions. */
export async function countFullHolders(q: Queryable, permissions: readonly string[]): Promise<number> {
  const [r] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM (
       SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
       WHERE rp.permission = ANY($1) AND u.status = 'active' GROUP BY u.id HAVING count(DISTINCT rp.permission) = $2) full_admins`,
    [permissions, permissions.length],
  );
  return r?.n ?? 0;
}

export async function listRoleSummaries(q: Queryable): Promise<RoleSummaryRow[]> {
  return q.query<RoleSummaryRow>(
    `SELECT r.id, r.template_key, r.name_zh, r.name_en,
              (SELECT array_agg(permission ORDER BY permission) FROM role_permissions rp WHERE rp.role_id = r.id) AS permissions,
              (SELECT count(*) FROM user_roles ur WHERE ur.role_id = r.id) AS members
       FROM roles r ORDER BY r.created_at, r.name_en`,
  );
}

export async function findRole(q: Queryable, id: string): Promise<RoleRow | undefined> {
  const [r] = await q.query<RoleRow>('SELECT id, template_key, name_zh, name_en FROM roles WHERE id = $1', [id]);
  return r;
}

export async function lockRole(q: Queryable, id: string): Promise<RoleRow | undefined> {
  const [r] = await q.query<RoleRow>('SELECT id, template_key, name_zh, name_en FROM roles WHERE id = $1 FOR UPDATE', [id]);
  return r;
}

export async function roleExists(q: Queryable, id: string): Promise<boolean> {
  const [r] = await q.query('SELECT id FROM roles WHERE id = $1', [id]);
  return !!r;
}

/** How many of these ids are roles of this school. */
export async function countRoles(q: Queryable, ids: string[]): Promise<number> {
  const [n] = await q.query<{ n: number }>('SELECT count(*) AS n FROM roles WHERE id = ANY($1)', [ids]);
  return n?.n ?? 0;
}

export async function listRoleGrants(q: Queryable, roleId: string): Promise<GrantRow[]> {
  return q.query<GrantRow>('SELECT permission AS key, scope FROM role_permissions WHERE role_id = $1 ORDER BY permission', [roleId]);
}

export async function listRoleMembers(q: Queryable, roleId: string): Promise<RoleMemberRow[]> {
  return q.query<RoleMemberRow>(
    `SELECT ur.user_id, u.username, u.display_name_en, u.display_name_zh, NULL AS starts_on, ur.ends_on::text, false AS planned
         FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE ur.role_id = $1
       UNION ALL
       SELECT p.user_id, u.username, u.display_name_en, u.display_name_zh, p.starts_on::text, p.ends_on::text, true
         FROM planned_role_grants p JOIN users u ON u.id = p.user_id WHERE p.role_id = $1
       ORDER BY username`,
    [roleId],
  );
}

/** The people holding the role now (their sessions must pick up a change of its rights). */
export async function listRoleHolders(q: Queryable, roleId: string): Promise<{ user_id: string; username: string }[]> {
  return q.query<{ user_id: string; username: string }>(
    'SELECT ur.user_id, u.username FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE ur.role_id = $1',
    [roleId],
  );
}

export async function insertRole(
  q: Queryable,
  r: { schoolId: string; nameZh: string; nameEn: string; at: Date },
): Promise<{ id: string } | undefined> {
  const [row] = await q.query<{ id: string }>(
    'INSERT INTO roles (school_id, name_zh, name_en, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
    [r.schoolId, r.nameZh, r.nameEn, r.at],
  );
  return row;
}

export async function insertRoleGrants(q: Queryable, schoolId: string, roleId: string, grants: readonly GrantRow[]): Promise<void> {
  await q.query(
    'INSERT INTO role_permissions (school_id, role_id, permission, scope) SELECT $1, $2, k, s FROM unnest($3::text[], $4::text[]) AS x(k, s)',
    [schoolId, roleId, grants.map((g) => g.key), grants.map((g) => g.scope)],
  );
}

export async function updateRoleNames(q: Queryable, id: string, names: { nameZh: string; nameEn: string }, at: Date): Promise<void> {
  await q.query('UPDATE roles SET name_zh = $2, name_en = $3, updated_at = $4 WHERE id = $1', [id, names.nameZh, names.nameEn, at]);
}

export async function deleteRoleGrants(q: Queryable, roleId: string): Promise<void> {
  await q.query('DELETE FROM role_permissions WHERE role_id = $1', [roleId]);
}

/** Members now plus planned ones: a role with either cannot be deleted. */
export async function countRoleAssignments(q: Queryable, roleId: string): Promise<number> {
  const [m] = await q.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM user_roles WHERE role_id = $1) + (SELECT count(*) FROM planned_role_grants WHERE role_id = $1) AS n',
    [roleId],
  );
  return m?.n ?? 0;
}

export async function deleteRole(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM roles WHERE id = $1', [id]);
}

export interface PlannedGrant {
  schoolId: string;
  userId: string;
  roleId: string;
  startsOn: string;
  endsOn: string | null;
  grantedBy: string;
  at: Date;
}

export async function upsertPlannedGrant(q: Queryable, g: PlannedGrant): Promise<void> {
  await q.query(
    `INSERT INTO planned_role_grants (school_id, user_id, role_id, starts_on, ends_on, granted_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id, role_id, starts_on) DO UPDATE SET ends_on = EXCLUDED.ends_on`,
    [g.schoolId, g.userId, g.roleId, g.startsOn, g.endsOn, g.grantedBy, g.at],
  );
}

export interface DatedGrant {
  schoolId: string;
  userId: string;
  roleId: string;
  at: Date;
  grantedBy: string | null;
  endsOn: string | null;
}

/** Give the role now (or change when it ends, when already held). */
export async function upsertUserRole(q: Queryable, g: DatedGrant): Promise<void> {
  await q.query(
    `INSERT INTO user_roles (school_id, user_id, role_id, granted_at, granted_by, ends_on) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id, role_id) DO UPDATE SET ends_on = EXCLUDED.ends_on`,
    [g.schoolId, g.userId, g.roleId, g.at, g.grantedBy, g.endsOn],
  );
}

/** Take the person out of the role; returns whether they held it. */
export async function deleteMembership(q: Queryable, roleId: string, userId: string): Promise<boolean> {
  const gone = await q.query<{ user_id: string }>('DELETE FROM user_roles WHERE role_id = $1 AND user_id = $2 RETURNING user_id', [
    roleId,
    userId,
  ]);
  return gone.length > 0;
}

/** Drop the person's planned assignments to the role; returns whether there were any. */
export async function deletePlannedGrants(q: Queryable, roleId: string, userId: string): Promise<boolean> {
  const planned = await q.query('DELETE FROM planned_role_grants WHERE role_id = $1 AND user_id = $2 RETURNING id', [roleId, userId]);
  return planned.length > 0;
}

export async function listAccess(q: Queryable, f: { permission: string | null; userId: string | null }): Promise<AccessRow[]> {
  return q.query<AccessRow>(
    `SELECT u.id AS user_id, u.username, u.display_name_en, u.display_name_zh, rp.permission,
              CASE WHEN bool_or(rp.scope = 'school') THEN 'school' ELSE 'own_classes' END AS scope,
              array_agg(DISTINCT r.name_en ORDER BY r.name_en) AS roles
       FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id JOIN role_permissions rp ON rp.role_id = r.id
       WHERE u.status = 'active' AND ($1::text IS NULL OR rp.permission = $1) AND ($2::uuid IS NULL OR u.id = $2)
       GROUP BY u.id, u.username, u.display_name_en, u.display_name_zh, rp.permission
       ORDER BY rp.permission, u.username`,
    [f.permission, f.userId],
  );
}

/** Planned assignments whose day has come, taken off the plan (the caller puts them in force). */
export async function takeDuePlannedGrants(q: Queryable, today: string): Promise<PlannedGrantRow[]> {
  return q.query<PlannedGrantRow>(
    'DELETE FROM planned_role_grants WHERE starts_on <= $1 RETURNING id, user_id, role_id, ends_on::text, granted_by',
    [today],
  );
}

/** Assignments past their end date, removed. */
export async function deleteLapsedMemberships(q: Queryable, today: string): Promise<{ user_id: string; role_id: string }[]> {
  return q.query<{ user_id: string; role_id: string }>('DELETE FROM user_roles WHERE ends_on < $1 RETURNING user_id, role_id', [today]);
}

export interface RoleNameRow {
  id: string;
  template_key: string | null;
  name_zh: string;
  name_en: string;
}

/** Every role of the school by name, for lists of people (who holds what) without the right to read roles' rights. */
export async function listRoleNames(q: Queryable): Promise<RoleNameRow[]> {
  return q.query<RoleNameRow>('SELECT id, template_key, name_zh, name_en FROM roles ORDER BY name_en');
}
