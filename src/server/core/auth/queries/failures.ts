import type { Queryable } from '../../db/types.js';

export interface NewAuthFailure {
  schoolId: string;
  userId: string;
  at: Date;
  /** The address it came from, as lockout counts it. */
  source: string;
  /** Whether that address was familiar to the person when it failed. */
  familiar: boolean;
}

export async function insertAuthFailure(q: Queryable, f: NewAuthFailure): Promise<void> {
  await q.query('INSERT INTO auth_failures (school_id, user_id, at, source, familiar) VALUES ($1, $2, $3, $4, $5)', [
    f.schoolId,
    f.userId,
    f.at,
    f.source,
    f.familiar,
  ]);
}

export interface FailureCountRow {
  from_source: number;
  last_from_source: Date | null;
  unfamiliar: number;
  last_unfamiliar: Date | null;
}

/** An account's failures since `since`: from this address, and from addresses that were unfamiliar (older rows without one count as unfamiliar). */
export async function countFailuresSince(q: Queryable, userId: string, source: string, since: Date): Promise<FailureCountRow> {
  const [c] = await q.query<FailureCountRow>(
    `SELECT count(*) FILTER (WHERE source = $2) AS from_source, max(at) FILTER (WHERE source = $2) AS last_from_source,
            count(*) FILTER (WHERE NOT familiar) AS unfamiliar, max(at) FILTER (WHERE NOT familiar) AS last_unfamiliar
       FROM auth_failures WHERE user_id = $1 AND at > $3`,
    [userId, source, since],
  );
  return c ?? { from_source: 0, last_from_source: null, unfamiliar: 0, last_unfamiliar: null };
}

/** A completed sign-in from an address forgets that address's failures only: another address's count stays. */
export async function clearAuthFailuresFrom(q: Queryable, userId: string, source: string): Promise<void> {
  await q.query('DELETE FROM auth_failures WHERE user_id = $1 AND source = $2', [userId, source]);
}

/** Hold the account's row until the transaction ends, so concurrent failures are counted one after another. */
export async function lockAccountForFailure(q: Queryable, userId: string): Promise<void> {
  await q.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
}

/** When the person last completed a sign-in from this address; null when never. */
export async function findFamiliarAddress(q: Queryable, userId: string, source: string): Promise<Date | null> {
  const [row] = await q.query<{ last_success_at: Date }>(
    'SELECT last_success_at FROM signin_addresses WHERE user_id = $1 AND source = $2',
    [userId, source],
  );
  return row?.last_success_at ?? null;
}

/** Remember that the person completed a sign-in from this address now. */
export async function rememberAddress(q: Queryable, schoolId: string, userId: string, source: string, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO signin_addresses (school_id, user_id, source, last_success_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, source) DO UPDATE SET last_success_at = GREATEST(signin_addresses.last_success_at, EXCLUDED.last_success_at)`,
    [schoolId, userId, source, at],
  );
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
