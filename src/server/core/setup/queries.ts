import type { Queryable } from '../db/types.js';

export type AuthorityCode = 'EDB' | 'HKEAA';

export async function insertSetupToken(
  q: Queryable,
  t: { tokenHash: Buffer; createdAt: Date; expiresAt: Date; authority: AuthorityCode | null },
): Promise<void> {
  await q.query('INSERT INTO setup_tokens (token_hash, created_at, expires_at, authority_code) VALUES ($1, $2, $3, $4)', [
    t.tokenHash,
    t.createdAt,
    t.expiresAt,
    t.authority,
  ]);
}

export interface SetupTokenRow {
  expires_at: Date;
  used_at: Date | null;
  authority_code: AuthorityCode | null;
}

/** A setup link by its hash; `lock` holds it until the end of the transaction (so it is used once). */
export async function findSetupToken(q: Queryable, tokenHash: Buffer, lock: boolean): Promise<SetupTokenRow | undefined> {
  const [row] = await q.query<SetupTokenRow>(
    `SELECT expires_at, used_at, authority_code FROM setup_tokens WHERE token_hash = $1${lock ? ' FOR UPDATE' : ''}`,
    [tokenHash],
  );
  return row;
}

export async function markSetupTokenUsed(q: Queryable, tokenHash: Buffer, at: Date, schoolId: string): Promise<void> {
  await q.query('UPDATE setup_tokens SET used_at = $2, school_id = $3 WHERE token_hash = $1', [tokenHash, at, schoolId]);
}

export async function countSchools(q: Queryable): Promise<number> {
  const [r] = await q.query<{ n: number }>('SELECT count(*) AS n FROM schools');
  return r?.n ?? 0;
}

export async function authorityExists(q: Queryable, code: AuthorityCode): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM schools WHERE authority_code = $1', [code]);
  return rows.length > 0;
}

/** A new school (or authority) with the public halves of its school key. */
export async function insertSchool(
  q: Queryable,
  s: {
    nameZh: string;
    nameEn: string;
    schoolNumber: string;
    keyBoxPublic: Buffer;
    keySignPublic: Buffer;
    keyFingerprint: string;
    createdAt: Date;
    kind: 'school' | 'authority';
    authorityCode: AuthorityCode | null;
  },
): Promise<string | undefined> {
  const [school] = await q.query<{ id: string }>(
    `INSERT INTO schools (name_zh, name_en, school_number, key_box_public, key_sign_public, key_fingerprint, key_created_at, created_at, kind, authority_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) RETURNING id`,
    [s.nameZh, s.nameEn, s.schoolNumber, s.keyBoxPublic, s.keySignPublic, s.keyFingerprint, s.createdAt, s.kind, s.authorityCode],
  );
  return school?.id;
}

/** The school's first administrator (the key creation time is also the account's). */
export async function insertFirstUser(
  q: Queryable,
  u: {
    schoolId: string;
    username: string;
    displayNameZh: string | null;
    displayNameEn: string;
    email: string;
    passwordHash: string;
    at: Date;
    locale: 'zh-HK' | 'en';
  },
): Promise<string | undefined> {
  const [user] = await q.query<{ id: string }>(
    `INSERT INTO users (school_id, username, display_name_zh, display_name_en, email, password_hash, password_changed_at, locale, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7) RETURNING id`,
    [u.schoolId, u.username, u.displayNameZh, u.displayNameEn, u.email, u.passwordHash, u.at, u.locale],
  );
  return user?.id;
}

export async function insertUserRole(q: Queryable, schoolId: string, userId: string, roleId: string, grantedAt: Date): Promise<void> {
  await q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at) VALUES ($1, $2, $3, $4)', [
    schoolId,
    userId,
    roleId,
    grantedAt,
  ]);
}
