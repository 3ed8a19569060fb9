import type { Queryable } from '../../db/types.js';

export async function insertAuthFailure(q: Queryable, schoolId: string, userId: string, at: Date): Promise<void> {
  await q.query('INSERT INTO auth_failures (school_id, user_id, at) VALUES ($1, $2, $3)', [schoolId, userId, at]);
}

export async function countFailuresSince(q: Queryable, userId: string, since: Date): Promise<number> {
  const [c] = await q.query<{ n: number }>('SELECT count(*) AS n FROM auth_failures WHERE user_id = $1 AND at > $2', [userId, since]);
  return c?.n ?? 0;
}

export async function clearAuthFailures(q: Queryable, userId: string): Promise<void> {
  await q.query('DELETE FROM auth_failures WHERE user_id = $1', [userId]);
}

/** Count one more attempt under `key` in the minute starting at `windowStart`; the count so far. */
export async function countAttempt(q: Queryable, key: string, windowStart: Date): Promise<number> {
  const [row] = await q.query<{ count: number }>(
    `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
     ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`,
    [key, windowStart],
  );
  return row?.count ?? 0;
}
