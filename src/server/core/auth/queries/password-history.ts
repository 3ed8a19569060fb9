import type { Queryable } from '../../db/types.js';

/** The hashes of the account's previous passwords (at most five: the database keeps no more), newest first. */
export async function previousPasswordHashes(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.query<{ password_hash: string }>(
    'SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT 5',
    [userId],
  );
  return rows.map((r) => r.password_hash);
}
