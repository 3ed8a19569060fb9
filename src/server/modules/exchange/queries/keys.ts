import type { Queryable } from '../../../core/db/types.js';

/** Locks the organisation's row, so tries of its key are taken one at a time. */
export async function lockKeyFingerprint(q: Queryable, orgId: string): Promise<{ key_fingerprint: string } | undefined> {
  const [org] = await q.query<{ key_fingerprint: string }>('SELECT key_fingerprint FROM schools WHERE id = $1 FOR UPDATE', [orgId]);
  return org;
}

/** The fingerprint of the organisation's key in force. */
export async function findKeyFingerprint(q: Queryable, orgId: string): Promise<{ key_fingerprint: string } | undefined> {
  const [org] = await q.query<{ key_fingerprint: string }>('SELECT key_fingerprint FROM schools WHERE id = $1', [orgId]);
  return org;
}

export interface KeyFailuresRow {
  n: number;
  first: Date | null;
}

/** Wrong keys entered since `since`, read from the organisation's audit chain. */
export async function countKeyFailures(q: Queryable, orgId: string, since: Date): Promise<KeyFailuresRow | undefined> {
  const [f] = await q.query<KeyFailuresRow>(
    `SELECT count(*)::int AS n, min(occurred_at) AS first FROM audit_log WHERE chain_id = $1 AND action = 'exchange.key_failed' AND occurred_at > $2`,
    [orgId, since],
  );
  return f;
}
