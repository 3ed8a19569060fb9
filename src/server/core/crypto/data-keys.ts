import type { Queryable } from '../db/types.js';
import { newDataKey } from './envelope.js';
import { findWrappedDataKey, storeWrappedDataKey } from './queries.js';
import { hmac, open, seal, subKey } from './secrets.js';

/**
 * Per-school data keys for personal data the server must read unattended (DESIGN rule 4): a random
 * AES-256-GCM key per school and purpose, stored wrapped under the server key's data-key sub-key and
 * bound to its school and purpose. Per school, so one school's key opens nothing of another's and a
 * school's numbers can be made unreadable by deleting one row; wrapped, so replacing the server key
 * means re-wrapping these rows, not re-encrypting every record.
 */
export type DataKeyPurpose = 'student_ids';

const wrapAad = (schoolId: string, purpose: DataKeyPurpose) => `data-key:${schoolId}:${purpose}`;

/** The school's data key, made on first use. Call it inside a write transaction (it may insert the key). */
export async function schoolDataKey(q: Queryable, serverKey: Buffer, schoolId: string, purpose: DataKeyPurpose): Promise<Buffer> {
  const wrapKey = subKey(serverKey, 'data_key');
  const aad = wrapAad(schoolId, purpose);
  const wrapped =
    (await findWrappedDataKey(q, schoolId, purpose)) ?? (await storeWrappedDataKey(q, schoolId, purpose, seal(wrapKey, newDataKey(), aad)));
  return open(wrapKey, wrapped, aad);
}

/** The school's existing data key, for reading what it sealed; throws when there is none (nothing was sealed). */
export async function existingSchoolDataKey(q: Queryable, serverKey: Buffer, schoolId: string, purpose: DataKeyPurpose): Promise<Buffer> {
  const wrapped = await findWrappedDataKey(q, schoolId, purpose);
  if (!wrapped) throw new Error(`school has no ${purpose} data key`);
  return open(subKey(serverKey, 'data_key'), wrapped, wrapAad(schoolId, purpose));
}

/**
 * A per-school key for keyed hashes (exact search, duplicates) of personal data: derived, never
 * stored, so the same number hashes differently in two schools and nothing links them.
 */
export const schoolHashKey = (serverKey: Buffer, schoolId: string, purpose: DataKeyPurpose): Buffer =>
  hmac(subKey(serverKey, 'id_hash'), `${purpose}:${schoolId}`);
