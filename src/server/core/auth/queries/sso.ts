import { SECURITY_PERMISSIONS } from '../permissions.js';
import type { Queryable } from '../../db/types.js';

/** A school's single sign-on provider (the client secret sealed under the server key). */
export interface SchoolSsoRow {
  id: string;
  sso_enabled: boolean;
  sso_issuer: string | null;
  sso_client_id: string | null;
  sso_client_secret: string | null;
  sso_email_link: boolean;
  sso_reviewed_at: Date | null;
  /** The provider's `amr`/`acr` is accepted as the second factor when it names one of these values. */
  sso_mfa_trusted: boolean;
  sso_mfa_amr: string[];
  sso_mfa_acr: string[];
}

export async function findSchoolSso(q: Queryable, schoolId: string): Promise<SchoolSsoRow | undefined> {
  const [s] = await q.query<SchoolSsoRow>(
    `SELECT id, sso_enabled, sso_issuer, sso_client_id, sso_client_secret, sso_email_link, sso_reviewed_at,
            sso_mfa_trusted, sso_mfa_amr, sso_mfa_acr
       FROM schools WHERE id = $1`,
    [schoolId],
  );
  return s;
}

/** The schools with this school number (any case), or up to two schools when none is given (one means the only one). */
export async function findSchoolIds(q: Queryable, schoolNumber: string | undefined): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    schoolNumber ? 'SELECT id FROM schools WHERE upper(school_number) = upper($1)' : 'SELECT id FROM schools LIMIT 2',
    schoolNumber ? [schoolNumber] : [],
  );
  return rows.map((r) => r.id);
}

export async function updateSchoolSso(
  q: Queryable,
  schoolId: string,
  c: {
    enabled: boolean;
    issuer: string;
    clientId: string;
    sealedSecret: string;
    emailLink: boolean;
    providerMfa: { enabled: boolean; amr: string[]; acr: string[] };
  },
): Promise<void> {
  await q.query(
    `UPDATE schools SET sso_enabled = $2, sso_issuer = $3, sso_client_id = $4, sso_client_secret = $5, sso_email_link = $6,
            sso_mfa_trusted = $7, sso_mfa_amr = $8::text[], sso_mfa_acr = $9::text[]
      WHERE id = $1`,
    [schoolId, c.enabled, c.issuer, c.clientId, c.sealedSecret, c.emailLink, c.providerMfa.enabled, c.providerMfa.amr, c.providerMfa.acr],
  );
}

export async function setSsoReviewed(q: Queryable, schoolId: string, at: Date): Promise<void> {
  await q.query('UPDATE schools SET sso_reviewed_at = $2 WHERE id = $1', [schoolId, at]);
}

/** The school's number, shown as the issuer in a person's authenticator app. */
export async function findSchoolNumber(q: Queryable, schoolId: string): Promise<string | undefined> {
  const [school] = await q.query<{ school_number: string }>('SELECT school_number FROM schools WHERE id = $1', [schoolId]);
  return school?.school_number;
}

export async function insertSsoAttempt(
  q: Queryable,
  a: { state: string; schoolId: string; codeVerifier: string; nonce: string; linkUserId: string | null; createdAt: Date },
): Promise<void> {
  await q.query(
    'INSERT INTO sso_attempts (state, school_id, code_verifier, nonce, link_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [a.state, a.schoolId, a.codeVerifier, a.nonce, a.linkUserId, a.createdAt],
  );
}

export interface SsoAttemptRow {
  school_id: string;
  code_verifier: string;
  nonce: string;
  link_user_id: string | null;
  created_at: Date;
}

/** Take (delete and return) the attempt with this state: each attempt is used at most once. */
export async function takeSsoAttempt(q: Queryable, state: string): Promise<SsoAttemptRow | undefined> {
  const [attempt] = await q.query<SsoAttemptRow>(
    'DELETE FROM sso_attempts WHERE state = $1 RETURNING school_id, code_verifier, nonce, link_user_id, created_at',
    [state],
  );
  return attempt;
}

/** A person as single sign-on sees them. */
export interface SsoUserRow {
  id: string;
  username: string;
  status: string;
  sso_mode: string;
  sso_subject: string | null;
  sso_issuer: string | null;
  mfa_enrolled_at: Date | null;
  /** Holds a security permission through any role, so must use MFA whichever way they sign in. */
  mfa_required: boolean;
  /** personal, shared or break_glass (memo S1): the break-glass account never signs in this way. */
  account_kind: 'personal' | 'shared' | 'break_glass';
}

const SSO_USER_COLUMNS = `u.id, u.username, u.status, u.sso_mode, u.sso_subject, u.sso_issuer, u.mfa_enrolled_at, u.account_kind,
  EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
          WHERE ur.user_id = u.id AND rp.permission = ANY($1)) AS mfa_required`;

export async function findSsoUser(q: Queryable, userId: string): Promise<SsoUserRow | undefined> {
  const [u] = await q.query<SsoUserRow>(`SELECT ${SSO_USER_COLUMNS} FROM users u WHERE u.id = $2`, [SECURITY_PERMISSIONS, userId]);
  return u;
}

/** The person linked to this subject at this issuer (a link made at another issuer matches nobody). */
export async function findSsoUserBySubject(q: Queryable, issuer: string, subject: string): Promise<SsoUserRow | undefined> {
  const [u] = await q.query<SsoUserRow>(`SELECT ${SSO_USER_COLUMNS} FROM users u WHERE u.sso_issuer = $2 AND u.sso_subject = $3`, [
    SECURITY_PERMISSIONS,
    issuer,
    subject,
  ]);
  return u;
}

/** Someone whose link has this subject but was made at another issuer (or none recorded): a suspended link. */
export async function findSuspendedLinkBySubject(q: Queryable, issuer: string, subject: string): Promise<SsoUserRow | undefined> {
  const [u] = await q.query<SsoUserRow>(
    `SELECT ${SSO_USER_COLUMNS} FROM users u WHERE u.sso_subject = $3 AND u.sso_issuer IS DISTINCT FROM $2 LIMIT 1`,
    [SECURITY_PERMISSIONS, issuer, subject],
  );
  return u;
}

/** How many links were made at an issuer other than this one (suspended while it is the school's). */
export async function countLinksElsewhere(q: Queryable, issuer: string): Promise<number> {
  const [r] = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM users WHERE sso_subject IS NOT NULL AND sso_issuer IS DISTINCT FROM $1',
    [issuer],
  );
  return r?.n ?? 0;
}

/** A person not yet linked, who may use single sign-on, with this e-mail address (lower case). */
export async function findLinkableSsoUserByEmail(q: Queryable, email: string): Promise<SsoUserRow | undefined> {
  const [u] = await q.query<SsoUserRow>(
    `SELECT ${SSO_USER_COLUMNS} FROM users u WHERE lower(u.email) = $2 AND u.sso_subject IS NULL AND u.sso_mode <> 'local'`,
    [SECURITY_PERMISSIONS, email],
  );
  return u;
}

/** Link a person to (issuer, subject), replacing any earlier link. */
export async function setSsoSubject(q: Queryable, userId: string, issuer: string, subject: string): Promise<void> {
  await q.query('UPDATE users SET sso_issuer = $2, sso_subject = $3 WHERE id = $1', [userId, issuer, subject]);
}
