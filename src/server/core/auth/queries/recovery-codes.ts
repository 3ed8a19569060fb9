import type { Queryable } from '../../db/types.js';

/** Use an unused recovery code with this hash; false when there is none. Only one of two concurrent uses succeeds. */
export async function useRecoveryCode(q: Queryable, userId: string, codeHash: Buffer, at: Date): Promise<boolean> {
  const used = await q.query(
    `UPDATE recovery_codes SET used_at = $3 WHERE id = (
       SELECT id FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL LIMIT 1) AND used_at IS NULL RETURNING id`,
    [userId, codeHash, at],
  );
  return used.length > 0;
}

export async function deleteRecoveryCodes(q: Queryable, userId: string): Promise<void> {
  await q.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
}

export async function insertRecoveryCodes(q: Queryable, schoolId: string, userId: string, codeHashes: Buffer[]): Promise<void> {
  await q.query('INSERT INTO recovery_codes (school_id, user_id, code_hash) SELECT $1, $2, h FROM unnest($3::bytea[]) AS h', [
    schoolId,
    userId,
    codeHashes,
  ]);
}
