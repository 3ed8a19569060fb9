import type { Queryable } from '../../../core/db/types.js';

export interface KeyVersionRow {
  version: number;
  fingerprint: string;
  box_public: Buffer;
  sign_public: Buffer;
  created_by_name: string;
  created_at: Date;
  retired_at: Date | null;
  rewrapped: number | null;
}

const VERSION_COLUMNS = 'version, fingerprint, box_public, sign_public, created_by_name, created_at, retired_at, rewrapped';

/** Every version of the school's key, newest first. */
export function listKeyVersions(q: Queryable): Promise<KeyVersionRow[]> {
  return q.query<KeyVersionRow>(`SELECT ${VERSION_COLUMNS} FROM school_key_versions ORDER BY version DESC`);
}

export interface SchoolKeyRow {
  key_fingerprint: string;
  key_created_at: Date;
  key_rotation_months: number;
}

/** The school's key in force and its rotation period; `lock` takes the school's row so rotations run one at a time. */
export async function findSchoolKey(q: Queryable, schoolId: string, lock = false): Promise<SchoolKeyRow | undefined> {
  const [r] = await q.query<SchoolKeyRow>(
    `SELECT key_fingerprint, key_created_at, key_rotation_months FROM schools WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [schoolId],
  );
  return r;
}

/** The version in force. */
export async function findCurrentVersion(q: Queryable): Promise<KeyVersionRow | undefined> {
  const [r] = await q.query<KeyVersionRow>(`SELECT ${VERSION_COLUMNS} FROM school_key_versions WHERE retired_at IS NULL`);
  return r;
}

export async function retireKeyVersion(q: Queryable, version: number, at: Date): Promise<void> {
  await q.query('UPDATE school_key_versions SET retired_at = $2 WHERE version = $1 AND retired_at IS NULL', [version, at]);
}

export interface NewKeyVersion {
  schoolId: string;
  version: number;
  fingerprint: string;
  boxPublic: Buffer;
  signPublic: Buffer;
  createdBy: string;
  createdByName: string;
  createdAt: Date;
}

export async function insertKeyVersion(q: Queryable, v: NewKeyVersion): Promise<void> {
  await q.query(
    `INSERT INTO school_key_versions (school_id, version, fingerprint, box_public, sign_public, created_by, created_by_name, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [v.schoolId, v.version, v.fingerprint, v.boxPublic, v.signPublic, v.createdBy, v.createdByName, v.createdAt],
  );
}

/** How many items the rotation that made this version rewrapped. */
export async function setRewrapped(q: Queryable, version: number, n: number): Promise<void> {
  await q.query('UPDATE school_key_versions SET rewrapped = $2 WHERE version = $1', [version, n]);
}

/** The school's public halves follow the version in force (what the exchange encrypts to). */
export async function setSchoolKey(
  q: Queryable,
  schoolId: string,
  k: { boxPublic: Buffer; signPublic: Buffer; fingerprint: string; at: Date },
) {
  await q.query('UPDATE schools SET key_box_public = $2, key_sign_public = $3, key_fingerprint = $4, key_created_at = $5 WHERE id = $1', [
    schoolId,
    k.boxPublic,
    k.signPublic,
    k.fingerprint,
    k.at,
  ]);
}

export async function setRotationMonths(q: Queryable, schoolId: string, months: number): Promise<void> {
  await q.query('UPDATE schools SET key_rotation_months = $2 WHERE id = $1', [schoolId, months]);
}

// ---- Recovery shares ----------------------------------------------------------------------------

export interface ShareRow {
  id: string;
  set_id: string;
  key_version: number;
  threshold: number;
  holder_no: number;
  holder_name: string;
  holder_role: 'principal' | 'system_admin' | 'safe' | 'other';
  share_hash: Buffer;
  issued_by_name: string;
  issued_at: Date;
  printed_at: Date | null;
  confirmed_at: Date | null;
  confirmed_by_name: string | null;
  superseded_at: Date | null;
}

const SHARE_COLUMNS =
  'id, set_id, key_version, threshold, holder_no, holder_name, holder_role, share_hash, issued_by_name, issued_at, printed_at, confirmed_at, confirmed_by_name, superseded_at';

/** The shares of the latest set still in force (not superseded), in holder order. */
export function listCurrentShares(q: Queryable): Promise<ShareRow[]> {
  return q.query<ShareRow>(`SELECT ${SHARE_COLUMNS} FROM school_key_shares WHERE superseded_at IS NULL ORDER BY holder_no`);
}

export async function findShare(q: Queryable, setId: string, holderNo: number, lock = false): Promise<ShareRow | undefined> {
  const [r] = await q.query<ShareRow>(
    `SELECT ${SHARE_COLUMNS} FROM school_key_shares WHERE set_id = $1 AND holder_no = $2${lock ? ' FOR UPDATE' : ''}`,
    [setId, holderNo],
  );
  return r;
}

/** Shares of any set of a key version, by their hashes (to recognise shares typed at recovery). */
export function findSharesByHash(q: Queryable, hashes: Buffer[]): Promise<ShareRow[]> {
  return q.query<ShareRow>(`SELECT ${SHARE_COLUMNS} FROM school_key_shares WHERE share_hash = ANY($1)`, [hashes]);
}

export async function supersedeShares(q: Queryable, at: Date): Promise<number> {
  const rows = await q.query<{ id: string }>('UPDATE school_key_shares SET superseded_at = $1 WHERE superseded_at IS NULL RETURNING id', [
    at,
  ]);
  return rows.length;
}

export interface NewShare {
  schoolId: string;
  setId: string;
  keyVersion: number;
  threshold: number;
  holderNo: number;
  holderName: string;
  holderRole: ShareRow['holder_role'];
  shareHash: Buffer;
  issuedBy: string;
  issuedByName: string;
  issuedAt: Date;
}

export async function insertShares(q: Queryable, shares: NewShare[]): Promise<void> {
  for (const s of shares)
    await q.query(
      `INSERT INTO school_key_shares (school_id, set_id, key_version, threshold, holder_no, holder_name, holder_role, share_hash, issued_by, issued_by_name, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        s.schoolId,
        s.setId,
        s.keyVersion,
        s.threshold,
        s.holderNo,
        s.holderName,
        s.holderRole,
        s.shareHash,
        s.issuedBy,
        s.issuedByName,
        s.issuedAt,
      ],
    );
}

export async function markSharePrinted(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query('UPDATE school_key_shares SET printed_at = coalesce(printed_at, $2) WHERE id = $1', [id, at]);
}

export async function markShareConfirmed(q: Queryable, id: string, at: Date, by: string): Promise<void> {
  await q.query('UPDATE school_key_shares SET confirmed_at = $2, confirmed_by_name = $3 WHERE id = $1', [id, at, by]);
}

/** For the check: the key in force, its period, and its current set's issued and confirmed counts. */
export interface KeyCheckRow {
  key_created_at: Date;
  key_rotation_months: number;
  version: number;
  issued: number;
  confirmed: number;
  threshold: number | null;
}

export async function findKeyCheckState(q: Queryable, schoolId: string): Promise<KeyCheckRow | undefined> {
  const [r] = await q.query<KeyCheckRow>(
    `SELECT s.key_created_at, s.key_rotation_months, v.version,
            (SELECT count(*)::int FROM school_key_shares sh WHERE sh.superseded_at IS NULL AND sh.key_version = v.version) AS issued,
            (SELECT count(*)::int FROM school_key_shares sh WHERE sh.superseded_at IS NULL AND sh.key_version = v.version AND sh.confirmed_at IS NOT NULL) AS confirmed,
            (SELECT max(threshold)::int FROM school_key_shares sh WHERE sh.superseded_at IS NULL AND sh.key_version = v.version) AS threshold
       FROM schools s JOIN school_key_versions v ON v.school_id = s.id AND v.retired_at IS NULL
      WHERE s.id = $1`,
    [schoolId],
  );
  return r;
}

export async function findSchoolNumber(q: Queryable, schoolId: string): Promise<string> {
  const [r] = await q.query<{ school_number: string }>('SELECT school_number FROM schools WHERE id = $1', [schoolId]);
  return r?.school_number ?? '';
}

export interface SheetInfoRow {
  school: { name_zh: string; name_en: string };
  fingerprint: string;
  holders: number;
}

/** What a recovery sheet names besides the share: the school, the key's fingerprint and how many shares the set has. */
export async function findSchoolNames(q: Queryable, schoolId: string, setId: string, version: number): Promise<SheetInfoRow> {
  const [r] = await q.query<{ name_zh: string; name_en: string; fingerprint: string; holders: number }>(
    `SELECT s.name_zh, s.name_en, v.fingerprint, (SELECT count(*)::int FROM school_key_shares sh WHERE sh.set_id = $2) AS holders
       FROM schools s JOIN school_key_versions v ON v.school_id = s.id AND v.version = $3 WHERE s.id = $1`,
    [schoolId, setId, version],
  );
  if (!r) throw new Error('school key version not found');
  return { school: { name_zh: r.name_zh, name_en: r.name_en }, fingerprint: r.fingerprint, holders: r.holders };
}
