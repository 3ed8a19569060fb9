import type { Wrapped } from '../../../core/crypto/envelope.js';
import type { Queryable } from '../../../core/db/types.js';
import type { AuthorityKey, CategoryKey, PriorityKey } from '../types.js';

/** Deliveries (`exchange_deliveries`): one message's copy at one school, shared by both sides. */

/** The data key wrapped for one school, with the fingerprint of the key it was wrapped for. */
export interface Envelope extends Wrapped {
  keyFingerprint: string;
}

export interface NewDeliveries {
  authorityId: string;
  authorityCode: AuthorityKey;
  messageId: string;
  refNo: string;
  category: CategoryKey;
  subjectCode: string;
  typeCode: string;
  priority: PriorityKey;
  titleZh: string;
  titleEn: string;
  referenceDate: string | null;
  deadline: Date;
  hasTemplate: boolean;
  contentId: string;
  deliveredAt: Date;
  schools: { id: string; schoolNumber: string; nameZh: string; nameEn: string; envelope: Envelope }[];
}

/** All recipients in one statement (a trigger opens each school's task). */
export async function insertDeliveries(q: Queryable, d: NewDeliveries): Promise<void> {
  await q.query(
    `INSERT INTO exchange_deliveries (school_id, authority_id, authority_code, message_id, school_number, school_name_zh, school_name_en, ref_no, category, subject_code, type_code, priority,
                                        title_zh, title_en, reference_date, deadline, has_template, content_id, envelope, delivered_at)
       SELECT x.school_id, $1, $19, $2, x.num, x.zh, x.en, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $20, x.envelope, $13
       FROM unnest($14::uuid[], $15::text[], $16::text[], $17::text[], $18::jsonb[]) AS x(school_id, num, zh, en, envelope)`,
    [
      d.authorityId,
      d.messageId,
      d.refNo,
      d.category,
      d.subjectCode,
      d.typeCode,
      d.priority,
      d.titleZh,
      d.titleEn,
      d.referenceDate,
      d.deadline,
      d.hasTemplate,
      d.deliveredAt,
      d.schools.map((s) => s.id),
      d.schools.map((s) => s.schoolNumber),
      d.schools.map((s) => s.nameZh),
      d.schools.map((s) => s.nameEn),
      d.schools.map((s) => s.envelope),
      d.authorityCode,
      d.contentId,
    ],
  );
}

/** The schools that could not read one of the authority's messages (read before its transaction). */
export async function listUnreadableSchools(q: Queryable, messageId: string): Promise<string[]> {
  const rows = await q.query<{ school_id: string }>(
    `SELECT school_id FROM exchange_deliveries WHERE message_id = $1 AND authority_id = app_school() AND state IN ('decrypt_failed', 'import_failed')`,
    [messageId],
  );
  return rows.map((r) => r.school_id);
}

/** The same, locked for sending again. */
export async function lockUnreadableSchools(q: Queryable, messageId: string): Promise<string[]> {
  const rows = await q.query<{ school_id: string }>(
    `SELECT school_id FROM exchange_deliveries WHERE message_id = $1 AND state IN ('decrypt_failed', 'import_failed') FOR UPDATE`,
    [messageId],
  );
  return rows.map((r) => r.school_id);
}

/** Sealed afresh for the school's current key: back to encrypted. */
export async function resealDelivery(
  q: Queryable,
  messageId: string,
  schoolId: string,
  contentId: string,
  envelope: Envelope,
): Promise<void> {
  await q.query(
    `UPDATE exchange_deliveries SET content_id = $3, envelope = $4, state = 'encrypted', failure = NULL WHERE message_id = $1 AND school_id = $2`,
    [messageId, schoolId, contentId, envelope],
  );
}

/** Counts a reminder on every delivery not yet submitted and not reminded since `since`; returns how many. */
export async function remindDeliveries(q: Queryable, messageId: string, now: Date, since: Date): Promise<number> {
  const rows = await q.query(
    `UPDATE exchange_deliveries SET reminded_at = $2, reminders = reminders + 1
       WHERE message_id = $1 AND submitted_at IS NULL AND (reminded_at IS NULL OR reminded_at < $3) RETURNING id`,
    [messageId, now, since],
  );
  return rows.length;
}

export async function findDeliveryHeader(q: Queryable, deliveryId: string): Promise<{ ref_no: string; category: string } | undefined> {
  const [dl] = await q.query<{ ref_no: string; category: string }>('SELECT ref_no, category FROM exchange_deliveries WHERE id = $1', [
    deliveryId,
  ]);
  return dl;
}

export async function findDeliveryMessageId(q: Queryable, deliveryId: string): Promise<string | undefined> {
  const [dl] = await q.query<{ message_id: string }>('SELECT message_id FROM exchange_deliveries WHERE id = $1', [deliveryId]);
  return dl?.message_id;
}

export async function setDeliveryReceived(q: Queryable, deliveryId: string, at: Date, receiptHash: string): Promise<void> {
  await q.query('UPDATE exchange_deliveries SET received_at = $2, receipt_hash = $3 WHERE id = $1', [deliveryId, at, receiptHash]);
}

export async function setDeliveryOpened(q: Queryable, deliveryId: string, at: Date): Promise<void> {
  await q.query('UPDATE exchange_deliveries SET opened_at = $2 WHERE id = $1', [deliveryId, at]);
}

/** Messages of the school still waiting for the school key. */
export async function countLockedDeliveries(q: Queryable): Promise<number> {
  const [locked] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM exchange_deliveries WHERE school_id = app_school() AND state = 'encrypted'`,
  );
  return locked?.n ?? 0;
}

export interface EncryptedDeliveryRow {
  id: string;
  envelope: Envelope;
  message_id: string;
  ciphertext: string;
}

/** The school's messages still encrypted, with their sealed content, locked for import. */
export async function lockEncryptedDeliveries(q: Queryable): Promise<EncryptedDeliveryRow[]> {
  return q.query<EncryptedDeliveryRow>(
    `SELECT dl.id, dl.envelope, dl.message_id, c.ciphertext FROM exchange_deliveries dl JOIN exchange_contents c ON c.id = dl.content_id
       WHERE dl.school_id = app_school() AND dl.state = 'encrypted' FOR UPDATE OF dl`,
  );
}

export async function setDecryptFailed(q: Queryable, deliveryId: string, reason: string): Promise<void> {
  await q.query(`UPDATE exchange_deliveries SET state = 'decrypt_failed', failure = $2 WHERE id = $1`, [deliveryId, reason]);
}

export async function setImportFailed(q: Queryable, deliveryId: string): Promise<void> {
  await q.query(`UPDATE exchange_deliveries SET state = 'import_failed', failure = 'content_unreadable' WHERE id = $1`, [deliveryId]);
}

export async function setImported(q: Queryable, deliveryId: string): Promise<void> {
  await q.query(`UPDATE exchange_deliveries SET state = 'imported', failure = NULL WHERE id = $1`, [deliveryId]);
}

/** The first time a return was generated for it. */
export async function setDeliveryPreparing(q: Queryable, deliveryId: string, at: Date): Promise<void> {
  await q.query('UPDATE exchange_deliveries SET preparing_at = coalesce(preparing_at, $2) WHERE id = $1', [deliveryId, at]);
}

export async function setDeliverySubmitted(q: Queryable, deliveryId: string, at: Date): Promise<void> {
  await q.query('UPDATE exchange_deliveries SET submitted_at = $2 WHERE id = $1', [deliveryId, at]);
}

/** The authority refused the package: not submitted after all. */
export async function clearDeliverySubmitted(q: Queryable, deliveryId: string): Promise<void> {
  await q.query('UPDATE exchange_deliveries SET submitted_at = NULL WHERE id = $1', [deliveryId]);
}
