import type { Queryable } from '../../db/types.js';
import { SECURITY_PERMISSIONS } from '../permissions.js';

/** A person as sign-in, MFA and password change see them. */
export interface SignInUserRow {
  id: string;
  school_id: string;
  username: string;
  display_name_zh: string | null;
  display_name_en: string;
  email: string | null;
  password_hash: string;
  status: string;
  locked_until: Date | null;
  must_change_password: boolean;
  mfa_enrolled_at: Date | null;
  totp_secret: string | null;
  totp_last_step: number | null;
  /** Holds a security permission through any role, so must use MFA (never the sealed break-glass account: its sheet is how it gets in). */
  mfa_required: boolean;
  sso_mode: string;
  /** personal, shared or break_glass (memo S1). */
  account_kind: 'personal' | 'shared' | 'break_glass';
  sealed_at: Date | null;
  break_glass_used_at: Date | null;
}

const SIGN_IN_COLUMNS = `u.id, u.school_id, u.username, u.display_name_zh, u.display_name_en, u.email, u.password_hash, u.status,
  u.locked_until, u.must_change_password, u.mfa_enrolled_at, u.totp_secret, u.totp_last_step, u.sso_mode,
  u.account_kind, u.sealed_at, u.break_glass_used_at,
  u.account_kind <> 'break_glass' AND EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
          WHERE ur.user_id = u.id AND rp.permission = ANY($2)) AS mfa_required`;

/**
 * The person with this sign-in name in the organisation with this code (school number or authority
 * code, any case). Without a code, only on an installation with a single organisation.
 */
export async function findSignInUserByUsername(
  q: Queryable,
  username: string,
  schoolCode: string | null,
): Promise<SignInUserRow | undefined> {
  const rows = await q.query<SignInUserRow>(
    `SELECT ${SIGN_IN_COLUMNS} FROM users u JOIN schools s ON s.id = u.school_id
      WHERE u.username = $1
        AND CASE WHEN $3::text IS NULL THEN (SELECT count(*) FROM schools) = 1 ELSE upper(s.school_number) = upper($3::text) END
      LIMIT 2`,
    [username, SECURITY_PERMISSIONS, schoolCode],
  );
  return rows.length === 1 ? rows[0] : undefined;
}

/** The code of the only organisation, for the login form; null when there is none or more than one. */
export async function findOnlySchoolCode(q: Queryable): Promise<string | null> {
  const rows = await q.query<{ school_number: string }>('SELECT school_number FROM schools LIMIT 2');
  return rows.length === 1 ? (rows[0]?.school_number ?? null) : null;
}

export async function findSignInUser(q: Queryable, id: string): Promise<SignInUserRow | undefined> {
  const [u] = await q.query<SignInUserRow>(`SELECT ${SIGN_IN_COLUMNS} FROM users u WHERE u.id = $1`, [id, SECURITY_PERMISSIONS]);
  return u;
}

/** Sign-in to the account is paused from some address until at least `until` (what administrators see as locked). */
export async function setLockedUntil(q: Queryable, userId: string, until: Date): Promise<void> {
  await q.query('UPDATE users SET locked_until = GREATEST(COALESCE(locked_until, $2), $2) WHERE id = $1', [userId, until]);
}

export async function setLastLogin(q: Queryable, userId: string, at: Date): Promise<void> {
  await q.query('UPDATE users SET last_login_at = $2 WHERE id = $1', [userId, at]);
}

/**
 * Move the person's last used TOTP step forward to `step`; false when it is not newer. Atomic: of
 * two requests with the same code, only one moves the step forward.
 */
export async function advanceTotpStep(q: Queryable, userId: string, step: number): Promise<boolean> {
  const moved = await q.query(
    'UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
    [userId, step],
  );
  return moved.length > 0;
}

export async function setPendingTotp(q: Queryable, userId: string, sealedSecret: string): Promise<void> {
  await q.query('UPDATE users SET totp_pending = $2 WHERE id = $1', [userId, sealedSecret]);
}

export interface EnrolmentRow {
  totp_pending: string | null;
  mfa_enrolled_at: Date | null;
  must_change_password: boolean;
}

export async function findEnrolment(q: Queryable, userId: string): Promise<EnrolmentRow | undefined> {
  const [row] = await q.query<EnrolmentRow>('SELECT totp_pending, mfa_enrolled_at, must_change_password FROM users WHERE id = $1', [
    userId,
  ]);
  return row;
}

/** The pending seed becomes the person's authenticator. */
export async function completeEnrolment(q: Queryable, userId: string, step: number, at: Date): Promise<void> {
  await q.query(
    'UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $2, mfa_enrolled_at = $3, version = version + 1 WHERE id = $1',
    [userId, step, at],
  );
}

export async function setPassword(q: Queryable, userId: string, passwordHash: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = false, password_change_requested_at = NULL,
            version = version + 1 WHERE id = $1`,
    [userId, passwordHash, at],
  );
}

export async function setLocale(q: Queryable, userId: string, locale: 'zh-HK' | 'en'): Promise<void> {
  await q.query('UPDATE users SET locale = $2 WHERE id = $1', [userId, locale]);
}

/** The signed-in person and their school, for "me". */
export interface MeRow {
  id: string;
  username: string;
  display_name_zh: string | null;
  display_name_en: string;
  email: string | null;
  locale: 'zh-HK' | 'en';
  mfa_enrolled_at: Date | null;
  codes_left: number;
  school_id: string;
  name_zh: string;
  name_en: string;
  school_number: string;
}

export async function findMe(q: Queryable, userId: string): Promise<MeRow | undefined> {
  const [u] = await q.query<MeRow>(
    `SELECT u.id, u.username, u.display_name_zh, u.display_name_en, u.email, u.locale, u.mfa_enrolled_at,
            (SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS codes_left,
            sc.id AS school_id, sc.name_zh, sc.name_en, sc.school_number
     FROM users u JOIN schools sc ON sc.id = u.school_id WHERE u.id = $1`,
    [userId],
  );
  return u;
}

/** Set how a person signs in; the username, or undefined when there is no such person. */
export async function setSsoMode(q: Queryable, userId: string, mode: 'local' | 'allowed' | 'required'): Promise<string | undefined> {
  const [row] = await q.query<{ username: string }>('UPDATE users SET sso_mode = $2 WHERE id = $1 RETURNING username', [userId, mode]);
  return row?.username;
}

/**
 * The sealed break-glass account is used to sign in (memo S1): false when its sheet was already used
 * (of two sign-ins at once, only one gets in). It stays unusable until resealed.
 */
export async function markBreakGlassUsed(q: Queryable, userId: string, at: Date): Promise<boolean> {
  const rows = await q.query(
    `UPDATE users SET break_glass_used_at = $2
      WHERE id = $1 AND account_kind = 'break_glass' AND sealed_at IS NOT NULL
        AND (break_glass_used_at IS NULL OR break_glass_used_at < sealed_at) RETURNING id`,
    [userId, at],
  );
  return rows.length > 0;
}
