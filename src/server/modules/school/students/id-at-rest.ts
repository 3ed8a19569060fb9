import type { z } from 'zod';
import type { IdType } from '../../../../contracts/school.js';
import { existingSchoolDataKey, schoolDataKey, schoolHashKey } from '../../../core/crypto/data-keys.js';
import { hmac, open, seal } from '../../../core/crypto/secrets.js';
import type { Queryable } from '../../../core/db/types.js';
import { maskId } from '../identity.js';

/**
 * Identity document numbers at rest: never stored plain. Each is kept sealed under the school's data
 * key (read back only by the audited reveal), as a keyed hash (exact search, one HKID per student),
 * and masked (what screens show), so lists and searches never decrypt.
 */
export interface StoredId {
  sealed: string;
  /** Null only for an HKID stored before encryption that another student of the school already had. */
  hash: string | null;
  masked: string;
}

/** The form a number is hashed in: capitals, without spaces or brackets (`A123456(3)` and `a1234563` are one number). */
export const idSearchForm = (idNumber: string): string => idNumber.toUpperCase().replace(/[\s()]/g, '');

const sealAad = (schoolId: string) => `student-id:${schoolId}`;

/** The keyed hash of a number, as stored in `students.id_hash` (hex). */
export function idHash(serverKey: Buffer, schoolId: string, idNumber: string): string {
  return hmac(schoolHashKey(serverKey, schoolId, 'student_ids'), idSearchForm(idNumber)).toString('hex');
}

/** What writing identity numbers for one school needs; the data key is fetched (or made) once, in a write transaction. */
export async function idSealer(
  q: Queryable,
  serverKey: Buffer,
  schoolId: string,
): Promise<(idType: z.infer<typeof IdType>, idNumber: string) => StoredId & { hash: string }> {
  const key = await schoolDataKey(q, serverKey, schoolId, 'student_ids');
  return (idType, idNumber) => ({
    sealed: seal(key, idNumber, sealAad(schoolId)),
    hash: idHash(serverKey, schoolId, idNumber),
    masked: maskId(idType, idNumber),
  });
}

/** The full number of one student (the reveal, or an edit that keeps the number but changes its type). */
export async function openId(q: Queryable, serverKey: Buffer, schoolId: string, sealed: string): Promise<string> {
  const key = await existingSchoolDataKey(q, serverKey, schoolId, 'student_ids');
  return open(key, sealed, sealAad(schoolId)).toString('utf8');
}

/** Hashes and seals for one school's import: hashes while previewing, sealing only when it commits. */
export interface SchoolIds {
  hash(idNumber: string): string;
  sealer(): Promise<(idType: z.infer<typeof IdType>, idNumber: string) => StoredId>;
}

export function schoolIds(q: Queryable, serverKey: Buffer, schoolId: string): SchoolIds {
  // The school's hash key is derived once for the file, not once per row (as `idHash` does).
  const key = schoolHashKey(serverKey, schoolId, 'student_ids');
  return { hash: (n) => hmac(key, idSearchForm(n)).toString('hex'), sealer: () => idSealer(q, serverKey, schoolId) };
}
