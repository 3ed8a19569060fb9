import type { Queryable } from '../../../core/db/types.js';

/** A person's account as user administration lists it, with the roles they hold now. */
export interface UserRow {
  id: string;
  username: string;
  display_name_zh: string | null;
  display_name_en: string;
  email: string | null;
  status: 'active' | 'disabled';
  locked_until: Date | null;
  mfa_enrolled_at: Date | null;
  must_change_password: boolean;
  last_login_at: Date | null;
  role_ids: string[] | null;
  account_kind: 'personal' | 'shared' | 'break_glass';
}

/** The names an account is known by (a password may not contain them). */
export interface UserIdentityRow {
  username: string;
  display_name_en: string;
  display_name_zh: string | null;
  email: string | null;
}

export interface TargetUserRow extends UserIdentityRow {
  id: string;
}

export async function listUsers(q: Queryable): Promise<UserRow[]> {
  return q.query<UserRow>(
    `SELECT u.id, u.username, u.display_name_zh, u.display_name_en, u.email, u.status, u.locked_until, u.mfa_enrolled_at,
              u.must_change_password, u.last_login_at, u.account_kind, (SELECT array_agg(role_id) FROM user_roles ur WHERE ur.user_id = u.id) AS role_ids
       FROM users u ORDER BY u.username LIMIT 5000`,
  );
}

export interface NewUser {
  schoolId: string;
  username: string;
  displayNameZh: string | null;
  displayNameEn: string;
  email: string | null;
  passwordHash: string;
  at: Date;
}

/** A new account that must change its password at first sign-in. */
export async function insertUser(q: Queryable, u: NewUser): Promise<{ id: string } | undefined> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO users (school_id, username, display_name_zh, display_name_en, email, password_hash, password_changed_at, must_change_password, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, true, $7) RETURNING id`,
    [u.schoolId, u.username, u.displayNameZh, u.displayNameEn, u.email, u.passwordHash, u.at],
  );
  return r;
}

/** The account an administrator acts on, locked for the rest of the transaction. */
export async function lockUser(q: Queryable, id: string): Promise<TargetUserRow | undefined> {
  const [u] = await q.query<TargetUserRow>(
    'SELECT id, username, display_name_en, display_name_zh, email FROM users WHERE id = $1 FOR UPDATE',
    [id],
  );
  return u;
}

export async function findUserIdentity(q: Queryable, id: string): Promise<UserIdentityRow | undefined> {
  const [u] = await q.query<UserIdentityRow>('SELECT username, display_name_en, display_name_zh, email FROM users WHERE id = $1', [id]);
  return u;
}

export async function findUser(q: Queryable, id: string): Promise<{ id: string; username: string } | undefined> {
  const [u] = await q.query<{ id: string; username: string }>('SELECT id, username FROM users WHERE id = $1', [id]);
  return u;
}

export async function findUsername(q: Queryable, id: string): Promise<string | undefined> {
  const [u] = await q.query<{ username: string }>('SELECT username FROM users WHERE id = $1', [id]);
  return u?.username;
}

export async function findActiveUserId(q: Queryable, id: string): Promise<string | undefined> {
  const [u] = await q.query<{ id: string }>(`SELECT id FROM users WHERE id = $1 AND status = 'active'`, [id]);
  return u?.id;
}

/** How many of these ids are accounts of this school. */
export async function countUsers(q: Queryable, ids: string[]): Promise<number> {
  const [n] = await q.query<{ n: number }>('SELECT count(*) AS n FROM users WHERE id = ANY($1)', [ids]);
  return n?.n ?? 0;
}

/** Every right an account holds through its roles, as `key:scope`. */
export async function heldRightsOf(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.query<{ permission: string }>(
    `SELECT DISTINCT rp.permission || ':' || rp.scope AS permission FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id WHERE ur.user_id = $1`,
    [userId],
  );
  return rows.map((r) => r.permission);
}

export async function unlockAccount(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE users SET locked_until = NULL WHERE id = $1', [id]);
}

export async function deleteAuthFailures(q: Queryable, userId: string): Promise<void> {
  await q.query('DELETE FROM auth_failures WHERE user_id = $1', [userId]);
}

/** A password set by an administrator: to be changed at next sign-in; unlocks the account. */
export async function setAdminPassword(q: Queryable, id: string, passwordHash: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = true, locked_until = NULL, version = version + 1 WHERE id = $1`,
    [id, passwordHash, at],
  );
}

export async function disableAccount(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [id]);
}

/** End every session of the account; the token hashes let each process drop its cached copy. */
export async function deleteSessionsOf(q: Queryable, userId: string): Promise<Buffer[]> {
  const rows = await q.query<{ token_hash: Buffer }>('DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash', [userId]);
  return rows.map((r) => Buffer.from(r.token_hash));
}

export async function listUserRoleIds(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.query<{ role_id: string }>('SELECT role_id FROM user_roles WHERE user_id = $1', [userId]);
  return rows.map((r) => r.role_id);
}

export interface NewUserRole {
  schoolId: string;
  userId: string;
  roleId: string;
  at: Date;
  grantedBy: string;
}

export async function insertUserRole(q: Queryable, g: NewUserRole): Promise<void> {
  await q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5)', [
    g.schoolId,
    g.userId,
    g.roleId,
    g.at,
    g.grantedBy,
  ]);
}

export async function deleteUserRoles(q: Queryable, userId: string, roleIds: string[]): Promise<void> {
  await q.query('DELETE FROM user_roles WHERE user_id = $1 AND role_id = ANY($2)', [userId, roleIds]);
}
