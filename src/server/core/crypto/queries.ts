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

/** A school's wrapped data key for one purpose, if it has one yet. */
export async function findWrappedDataKey(q: Queryable, schoolId: string, purpose: string): Promise<string | undefined> {
  const [row] = await q.query<{ wrapped_key: string }>('SELECT wrapped_key FROM school_data_keys WHERE school_id = $1 AND purpose = $2', [
    schoolId,
    purpose,
  ]);
  return row?.wrapped_key;
}

/**
 * Stores the wrapped data key unless the school has one for the purpose already; returns the stored
 * one. Of two transactions making the first key at once, the second waits and gets the first's.
 */
export async function storeWrappedDataKey(q: Queryable, schoolId: string, purpose: string, wrapped: string): Promise<string> {
  const [row] = await q.query<{ wrapped_key: string }>(
    `INSERT INTO school_data_keys (school_id, purpose, wrapped_key) VALUES ($1, $2, $3)
     ON CONFLICT (school_id, purpose) DO UPDATE SET purpose = school_data_keys.purpose RETURNING wrapped_key`,
    [schoolId, purpose, wrapped],
  );
  if (!row) throw new Error('data key not stored');
  return row.wrapped_key;
}
