import type { Queryable } from '../db/types.js';

/** The value sealed under the server key's check sub-key when the database was set up, if any. */
export async function findServerKeyCheck(q: Queryable): Promise<string | undefined> {
  const [row] = await q.query<{ value: string }>(`SELECT value FROM server_meta WHERE key = 'server_key_check'`);
  return row?.value;
}

/**
 * Store the check value unless one is stored already; returns the stored one. Of two processes
 * starting at once with different keys, the second reads the first one's check.
 */
export async function storeServerKeyCheck(q: Queryable, sealed: string): Promise<string | undefined> {
  const [stored] = await q.query<{ value: string }>(
    `INSERT INTO server_meta (key, value) VALUES ('server_key_check', $1) ON CONFLICT (key) DO UPDATE SET key = server_meta.key RETURNING value`,
    [sealed],
  );
  return stored?.value;
}
