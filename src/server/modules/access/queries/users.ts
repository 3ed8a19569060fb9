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
  sso_mode: 'local' | 'allowed' | 'required';
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

/** The users page's search and filters; every one optional. */
export interface UserFilter {
  /** Words that must each appear in the Chinese or English name, the user name or the e-mail. */
  words: readonly string[];
  roleId?: string | undefined;
  status?: 'active' | 'disabled' | 'locked' | undefined;
  mfa?: 'enrolled' | 'not_enrolled' | undefined;
  kind?: 'personal' | 'shared' | 'break_glass' | undefined;
  ssoMode?: 'local' | 'allowed' | 'required' | undefined;
  /** For the locked filter: an account is locked while locked_until is after this. */
  now: Date;
}

const likeWord = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The WHERE clause and its parameters for a filter (values only ever travel as parameters). */
function userWhere(f: UserFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const conds: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  for (const w of f.words) {
    const n = p(likeWord(w));
    conds.push(
      `(u.username ILIKE ${n} OR u.display_name_en ILIKE ${n} OR coalesce(u.display_name_zh, '') ILIKE ${n} OR coalesce(u.email, '') ILIKE ${n})`,
    );
  }
  if (f.roleId) conds.push(`EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role_id = ${p(f.roleId)})`);
  if (f.status === 'locked') conds.push(`u.locked_until > ${p(f.now)}`);
  else if (f.status) conds.push(`u.status = ${p(f.status)}`);
  if (f.mfa) conds.push(f.mfa === 'enrolled' ? 'u.mfa_enrolled_at IS NOT NULL' : 'u.mfa_enrolled_at IS NULL');
  if (f.kind) conds.push(`u.account_kind = ${p(f.kind)}`);
  if (f.ssoMode) conds.push(`u.sso_mode = ${p(f.ssoMode)}`);
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

/** One page of the accounts that match, by user name, with the roles each holds now. */
export async function listUsers(q: Queryable, f: UserFilter, page: { limit: number; offset: number }): Promise<UserRow[]> {
  const { where, params } = userWhere(f);
  return q.query<UserRow>(
    `SELECT u.id, u.username, u.display_name_zh, u.display_name_en, u.email, u.status, u.locked_until, u.mfa_enrolled_at,
              u.must_change_password, u.last_login_at, u.account_kind, u.sso_mode,
              (SELECT array_agg(role_id ORDER BY role_id) FROM user_roles ur WHERE ur.user_id = u.id) AS role_ids
       FROM users u ${where} ORDER BY u.username LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, page.limit, page.offset],
  );
}

/** How many accounts match the filter in all. */
export async function countUsersMatching(q: Queryable, f: UserFilter): Promise<number> {
  const { where, params } = userWhere(f);
  const [r] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM users u ${where}`, params);
  return r?.n ?? 0;
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
