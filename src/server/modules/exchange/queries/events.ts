import type { Queryable } from '../../../core/db/types.js';

/** The exchange archive (`exchange_events`): every step, read by the message history and the daily log. */

export interface NewEvent {
  orgId: string;
  event: string;
  actor?: string | null;
  deliveryId?: string | null;
  messageId?: string | null;
  returnId?: string | null;
  details?: Record<string, unknown>;
}

export async function insertEvent(q: Queryable, e: NewEvent, at: Date): Promise<void> {
  await q.query(
    'INSERT INTO exchange_events (school_id, delivery_id, message_id, return_id, event, actor_name, details, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [e.orgId, e.deliveryId ?? null, e.messageId ?? null, e.returnId ?? null, e.event, e.actor ?? null, e.details ?? {}, at],
  );
}

export interface EventRow {
  at: Date;
  event: string;
  actor_name: string | null;
  details: Record<string, unknown>;
}

export async function listDeliveryEvents(q: Queryable, deliveryId: string): Promise<EventRow[]> {
  return q.query<EventRow>('SELECT at, event, actor_name, details FROM exchange_events WHERE delivery_id = $1 ORDER BY at, id', [
    deliveryId,
  ]);
}

export async function listReturnEvents(q: Queryable, returnId: string): Promise<EventRow[]> {
  return q.query<EventRow>('SELECT at, event, actor_name, details FROM exchange_events WHERE return_id = $1 ORDER BY at, id', [returnId]);
}

export interface LogEventRow extends EventRow {
  ref_no: string | null;
}

/** The organisation's events in [from, to), with the reference number of the message or delivery. */
export async function listLogEvents(q: Queryable, from: Date, to: Date): Promise<LogEventRow[]> {
  return q.query<LogEventRow>(
    `SELECT e.at, e.event, e.actor_name, coalesce(dl.ref_no, m.ref_no) AS ref_no, e.details FROM exchange_events e
       LEFT JOIN exchange_deliveries dl ON dl.id = e.delivery_id LEFT JOIN exchange_messages m ON m.id = e.message_id
       WHERE e.school_id = app_school() AND e.at >= $1 AND e.at < $2 ORDER BY e.at, e.id`,
    [from, to],
  );
}
