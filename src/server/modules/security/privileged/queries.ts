import type { Queryable } from '../../../core/db/types.js';

/** personal (one named person), shared (a login several people know), break_glass (the sealed emergency administrator). */
export type AccountKind = 'personal' | 'shared' | 'break_glass';

/** An account the privileged-accounts page and check look at. */
export interface PrivilegedAccountRow {
  id: string;
  username: string;
  display_name_en: string;
  display_name_zh: string | null;
  account_kind: AccountKind;
  mfa_enrolled_at: Date | null;
  password_changed_at: Date;
  must_change_password: boolean;
  password_change_requested_at: Date | null;
  sealed_at: Date | null;
  break_glass_used_at: Date | null;
  last_login_at: Date | null;
}

const ACCOUNT_COLUMNS = `u.id, u.username, u.display_name_en, u.display_name_zh, u.account_kind, u.mfa_enrolled_at, u.password_changed_at,
  u.must_change_password, u.password_change_requested_at, u.sealed_at, u.break_glass_used_at, u.last_login_at`;

/**
 * The school's active privileged accounts: whoever holds a security permission (the rights that make
 * MFA compulsory) through any role, and every shared or break-glass account. Break-glass first, then shared.
 */
export async function listPrivilegedAccounts(q: Queryable, securityPermissions: readonly string[]): Promise<PrivilegedAccountRow[]> {
  return q.query<PrivilegedAccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM users u
      WHERE u.status = 'active'
        AND (u.account_kind <> 'personal' OR EXISTS (
              SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
               WHERE ur.user_id = u.id AND rp.permission = ANY($1)))
      ORDER BY CASE u.account_kind WHEN 'break_glass' THEN 0 WHEN 'shared' THEN 1 ELSE 2 END, u.username`,
    [securityPermissions],
  );
}

/** Active shared and break-glass accounts: the passwords that follow the rotation period. */
export async function listRotatedAccounts(q: Queryable): Promise<PrivilegedAccountRow[]> {
  return q.query<PrivilegedAccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM users u WHERE u.status = 'active' AND u.account_kind <> 'personal' ORDER BY u.username`,
  );
}

/** One account, held for the rest of the transaction. */
export async function lockAccount(q: Queryable, id: string): Promise<PrivilegedAccountRow | undefined> {
  const [row] = await q.query<PrivilegedAccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM users u WHERE u.id = $1 FOR UPDATE`, [id]);
  return row;
}

/** The school's break-glass account, held for the rest of the transaction. */
export async function lockBreakGlass(q: Queryable): Promise<PrivilegedAccountRow | undefined> {
  const [row] = await q.query<PrivilegedAccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM users u WHERE u.account_kind = 'break_glass' FOR UPDATE`,
  );
  return row;
}

/** Every right an account holds, as `permission:scope`. */
export async function rightsOf(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.query<{ right: string }>(
    `SELECT DISTINCT rp.permission || ':' || rp.scope AS right FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id WHERE ur.user_id = $1`,
    [userId],
  );
  return rows.map((r) => r.right);
}

export async function setAccountKind(q: Queryable, id: string, kind: 'personal' | 'shared'): Promise<void> {
  await q.query('UPDATE users SET account_kind = $2, version = version + 1 WHERE id = $1', [id, kind]);
}

/** The person must change the password at next sign-in (an administrator's suspicion); every session ends. */
export async function requirePasswordChange(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query('UPDATE users SET must_change_password = true, password_change_requested_at = $2, version = version + 1 WHERE id = $1', [
    id,
    at,
  ]);
}

/** The school's System Administrator role (the template), which the break-glass account holds. */
export async function findSystemAdminRole(q: Queryable): Promise<{ id: string; rights: string[] } | undefined> {
  const [row] = await q.query<{ id: string; rights: string[] }>(
    `SELECT r.id, COALESCE(array_agg(rp.permission || ':' || rp.scope) FILTER (WHERE rp.permission IS NOT NULL), '{}') AS rights
       FROM roles r LEFT JOIN role_permissions rp ON rp.role_id = r.id
      WHERE r.template_key = 'system_admin' GROUP BY r.id`,
  );
  return row;
}

export interface NewBreakGlass {
  schoolId: string;
  username: string;
  displayNameEn: string;
  displayNameZh: string;
  passwordHash: string;
  at: Date;
}

/** The break-glass account, sealed at creation (its password only on the sheet being printed). */
export async function insertBreakGlass(q: Queryable, u: NewBreakGlass): Promise<string | undefined> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO users (school_id, username, display_name_zh, display_name_en, password_hash, password_changed_at, must_change_password,
                        account_kind, sealed_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, false, 'break_glass', $6, $6) RETURNING id`,
    [u.schoolId, u.username, u.displayNameZh, u.displayNameEn, u.passwordHash, u.at],
  );
  return row?.id;
}

export async function insertRoleGrant(
  q: Queryable,
  g: { schoolId: string; userId: string; roleId: string; at: Date; by: string },
): Promise<void> {
  await q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5)', [
    g.schoolId,
    g.userId,
    g.roleId,
    g.at,
    g.by,
  ]);
}

/** A new sheet: a new password, sealed now; any pause of sign-in is cleared (the old sheet is void). */
export async function resealBreakGlass(q: Queryable, id: string, passwordHash: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE users SET password_hash = $2, password_changed_at = $3, sealed_at = $3, must_change_password = false,
            password_change_requested_at = NULL, locked_until = NULL, totp_secret = NULL, totp_pending = NULL, mfa_enrolled_at = NULL,
            version = version + 1
      WHERE id = $1 AND account_kind = 'break_glass'`,
    [id, passwordHash, at],
  );
}

/** The token hashes of every session of the account, deleted (the caller tells the session store). */
export async function deleteSessionsOf(q: Queryable, userId: string): Promise<Buffer[]> {
  const rows = await q.query<{ token_hash: Buffer }>('DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash', [userId]);
  return rows.map((r) => Buffer.from(r.token_hash));
}

export interface SchoolSheetRow {
  name_zh: string;
  name_en: string;
  school_number: string;
  password_rotation_days: number;
}

export async function findSchoolForSheet(q: Queryable, schoolId: string): Promise<SchoolSheetRow | undefined> {
  const [row] = await q.query<SchoolSheetRow>('SELECT name_zh, name_en, school_number, password_rotation_days FROM schools WHERE id = $1', [
    schoolId,
  ]);
  return row;
}

export async function findRotationDays(q: Queryable, schoolId: string, lock = false): Promise<number | undefined> {
  const [row] = await q.query<{ password_rotation_days: number }>(
    `SELECT password_rotation_days FROM schools WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [schoolId],
  );
  return row?.password_rotation_days;
}

export async function setRotationDays(q: Queryable, schoolId: string, days: number): Promise<void> {
  await q.query('UPDATE schools SET password_rotation_days = $2 WHERE id = $1', [schoolId, days]);
}

/** Who is told a shared or break-glass password is due: active holders of `users.manage` (the break-glass account itself excepted). */
export async function findRotationRecipients(q: Queryable): Promise<{ id: string; email: string | null }[]> {
  return q.query<{ id: string; email: string | null }>(
    `SELECT DISTINCT u.id, u.email FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
      WHERE rp.permission = 'users.manage' AND u.status = 'active' AND u.account_kind <> 'break_glass'`,
  );
}
