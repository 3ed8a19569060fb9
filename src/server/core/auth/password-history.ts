import type { Database } from '../db/types.js';
import { verifyPassword } from './password.js';
import { previousPasswordHashes } from './queries/password-history.js';

/**
 * Whether `next` is the account's current password or one of its previous five (memo S1: no reuse of
 * the last five). The history is written by the database whenever a hash changes (migration 0028), so
 * every way of setting a password is covered; this check runs on every change and reset.
 */
export async function passwordReused(db: Database, schoolId: string, userId: string, currentHash: string, next: string): Promise<boolean> {
  const previous = await db.school(schoolId, (q) => previousPasswordHashes(q, userId));
  for (const hash of [currentHash, ...previous]) if (await verifyPassword(hash, next)) return true;
  return false;
}
