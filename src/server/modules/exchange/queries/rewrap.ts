import type { Queryable } from '../../../core/db/types.js';
import type { Envelope } from './deliveries.js';

export interface WrappedDeliveryRow {
  id: string;
  message_id: string;
  envelope: Envelope;
}

/**
 * The school's deliveries whose data key is wrapped to the key with this fingerprint, locked so
 * nothing changes them while they are rewrapped. Only the school's own (the row-level rules also
 * show an authority the deliveries it sent).
 */
export function lockDeliveriesWrappedTo(q: Queryable, schoolId: string, fingerprint: string): Promise<WrappedDeliveryRow[]> {
  return q.query<WrappedDeliveryRow>(
    `SELECT id, message_id, envelope FROM exchange_deliveries
      WHERE school_id = $1 AND envelope->>'keyFingerprint' = $2 ORDER BY id FOR UPDATE`,
    [schoolId, fingerprint],
  );
}

/** How many of the school's deliveries are wrapped to each key (by fingerprint). */
export function countDeliveriesByKey(q: Queryable, schoolId: string): Promise<{ fingerprint: string; n: number }[]> {
  return q.query<{ fingerprint: string; n: number }>(
    `SELECT envelope->>'keyFingerprint' AS fingerprint, count(*)::int AS n FROM exchange_deliveries WHERE school_id = $1 GROUP BY 1`,
    [schoolId],
  );
}

/** New envelopes for many deliveries in one statement. */
export async function setEnvelopes(q: Queryable, ids: string[], envelopes: Envelope[]): Promise<void> {
  if (ids.length === 0) return;
  await q.query(
    `UPDATE exchange_deliveries d SET envelope = u.envelope
       FROM unnest($1::uuid[], $2::jsonb[]) AS u(id, envelope) WHERE d.id = u.id`,
    [ids, envelopes.map((e) => JSON.stringify(e))],
  );
}
