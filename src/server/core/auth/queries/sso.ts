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
}

export async function findSchoolSso(q: Queryable, schoolId: string): Promise<SchoolSsoRow | undefined> {
  const [s] = await q.query<SchoolSsoRow>(
    'SELECT id, sso_enabled, sso_issuer, sso_client_id, sso_client_secret, sso_email_link, sso_reviewed_at FROM schools WHERE id = $1',
    [schoolId],
  );
  return s;
}

/** The schools with this school number, or every school when none is given. */
export async function findSchoolIds(q: Queryable, schoolNumber: string | undefined): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    schoolNumber ? 'SELECT id FROM schools WHERE school_number = $1' : 'SELECT id FROM schools',
    schoolNumber ? [schoolNumber] : [],
  );
  return rows.map((r) => r.id);
}

export async function updateSchoolSso(
  q: Queryable,
  schoolId: string,
  c: { enabled: boolean; issuer: string; clientId: string; sealedSecret: string; emailLink: boolean },
): Promise<void> {
  await q.query(
    'UPDATE schools SET sso_enabled = $2, sso_issuer = $3, sso_client_id = $4, sso_client_secret = $5, sso_email_link = $6 WHERE id = $1',
    [schoolId, c.enabled, c.issuer, c.clientId, c.sealedSecret, c.emailLink],
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
}

const SSO_USER_COLUMNS = 'id, username, status, sso_mode, sso_subject';

export async function findSsoUser(q: Queryable, userId: string): Promise<SsoUserRow | undefined> {
  const [u] = await q.query<SsoUserRow>(`SELECT ${SSO_USER_COLUMNS} FROM users WHERE id = $1`, [userId]);
  return u;
}

export async function findSsoUserBySubject(q: Queryable, subject: string): Promise<SsoUserRow | undefined> {
  const [u] = await q.query<SsoUserRow>(`SELECT ${SSO_USER_COLUMNS} FROM users WHERE sso_subject = $1`, [subject]);
  return u;
}

/** A person not yet linked, who may use single sign-on, with this e-mail address (lower case). */
export async function findLinkableSsoUserByEmail(q: Queryable, email: string): Promise<SsoUserRow | undefined> {
  const [u] = await q.query<SsoUserRow>(
    `SELECT ${SSO_USER_COLUMNS} FROM users WHERE lower(email) = $1 AND sso_subject IS NULL AND sso_mode <> 'local'`,
    [email],
  );
  return u;
}

export async function setSsoSubject(q: Queryable, userId: string, subject: string): Promise<void> {
  await q.query('UPDATE users SET sso_subject = $2 WHERE id = $1', [userId, subject]);
}
