import type { z } from 'zod';
import type { AuthorityCode } from '../../../../contracts/exchange.js';
import type { Queryable } from '../../../core/db/types.js';

/** Organisations on the platform (`schools`: schools and authorities) as the exchange reads them. */

export interface OrgRow {
  kind: 'school' | 'authority';
  authority_code: z.infer<typeof AuthorityCode> | null;
  school_number: string;
}

export async function findOrg(q: Queryable, orgId: string): Promise<OrgRow | undefined> {
  const [o] = await q.query<OrgRow>('SELECT kind, authority_code, school_number FROM schools WHERE id = $1', [orgId]);
  return o;
}

/** Takes the organisation's row lock: one publication (and its reference number) at a time. */
export async function lockOrg(q: Queryable, orgId: string): Promise<void> {
  await q.query('SELECT id FROM schools WHERE id = $1 FOR UPDATE', [orgId]);
}

export interface SchoolOrgRow {
  id: string;
  school_number: string;
  name_zh: string;
  name_en: string;
}

export async function listSchoolOrgs(q: Queryable): Promise<SchoolOrgRow[]> {
  return q.query<SchoolOrgRow>(`SELECT id, school_number, name_zh, name_en FROM schools WHERE kind = 'school' ORDER BY school_number`);
}

export interface RecipientKeyRow {
  id: string;
  key_box_public: Buffer;
  key_fingerprint: string;
}

export interface RecipientRow extends SchoolOrgRow, RecipientKeyRow {}

export async function listRecipientSchools(q: Queryable): Promise<RecipientRow[]> {
  return q.query<RecipientRow>(
    `SELECT id, school_number, name_zh, name_en, key_box_public, key_fingerprint FROM schools WHERE kind = 'school' ORDER BY school_number`,
  );
}

/** The schools' current public keys (a platform lookup). */
export async function listSchoolBoxKeys(q: Queryable, schoolIds: string[]): Promise<RecipientKeyRow[]> {
  return q.query<RecipientKeyRow>(`SELECT id, key_box_public, key_fingerprint FROM schools WHERE id = ANY($1) AND kind = 'school'`, [
    schoolIds,
  ]);
}

export interface SigningKeyRow {
  id: string;
  key_sign_public: Buffer;
}

/**
 * The school's signing key of the version whose fingerprint a package names, provided that version
 * was in force when the package says it was made (a retired key cannot sign new packages).
 */
export async function findSchoolSigningKeyAt(
  q: Queryable,
  schoolNumber: string,
  fingerprint: string,
  at: Date,
): Promise<SigningKeyRow | undefined> {
  const [s] = await q.query<SigningKeyRow>(
    `SELECT s.id, v.sign_public AS key_sign_public FROM schools s
       JOIN school_key_versions v ON v.school_id = s.id AND v.fingerprint = $2
      WHERE s.school_number = $1 AND s.kind = 'school' AND v.created_at <= $3 AND (v.retired_at IS NULL OR v.retired_at > $3)`,
    [schoolNumber, fingerprint, at],
  );
  return s;
}

/** Every authority on the platform (each may send to any school). */
export function listAuthorityIds(q: Queryable): Promise<{ id: string }[]> {
  return q.query<{ id: string }>(`SELECT id FROM schools WHERE kind = 'authority' ORDER BY id`);
}

export async function findOrgBoxKey(q: Queryable, orgId: string): Promise<{ key_box_public: Buffer } | undefined> {
  const [o] = await q.query<{ key_box_public: Buffer }>('SELECT key_box_public FROM schools WHERE id = $1', [orgId]);
  return o;
}

export interface SchoolIdentityRow {
  school_number: string;
  key_fingerprint: string;
}

export async function findSchoolIdentity(q: Queryable, schoolId: string): Promise<SchoolIdentityRow | undefined> {
  const [s] = await q.query<SchoolIdentityRow>('SELECT school_number, key_fingerprint FROM schools WHERE id = $1', [schoolId]);
  return s;
}
