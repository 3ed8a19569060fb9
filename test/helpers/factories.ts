/**
 * SQL factories: rows made directly, as the owner, for tests that are not about the flow that
 * would normally make them (that flow has its own tests). Each creates the parent rows it needs.
 */
import type { Database } from '../../src/server/core/db/types.js';

export interface ExchangeFixture {
  messageId: string;
  contentId: string;
  deliveryId: string;
}

/** A message an authority published and its delivery to one school (content sealed to nobody: the test does not open it). */
export async function exchangeFixture(
  db: Database,
  o: { authorityId: string; publisherId: string; schoolId: string; ref: string; deadline?: Date },
): Promise<ExchangeFixture> {
  const deadline = o.deadline ?? new Date('2026-12-31T09:00:00Z');
  return db.systemTx(async (q) => {
    const [m] = await q.query<{ id: string }>(
      `INSERT INTO exchange_messages (school_id, ref_no, category, subject_code, type_code, priority, title_zh, title_en, deadline,
                                      audience, content, published_by, published_at)
       VALUES ($1, $2, 'general', 'GEN', 'NOTICE', 'normal', '測試通告', 'Test notice', $3, '{}'::jsonb, '{}'::jsonb, $4, now())
       RETURNING id`,
      [o.authorityId, o.ref, deadline, o.publisherId],
    );
    if (!m) throw new Error('message not created');
    const [c] = await q.query<{ id: string }>(
      `INSERT INTO exchange_contents (authority_id, message_id, ciphertext, created_at) VALUES ($1, $2, 'sealed', now()) RETURNING id`,
      [o.authorityId, m.id],
    );
    if (!c) throw new Error('content not created');
    const [d] = await q.query<{ id: string }>(
      `INSERT INTO exchange_deliveries (school_id, authority_id, authority_code, message_id, school_number, school_name_zh, school_name_en,
                                        ref_no, category, subject_code, type_code, priority, title_zh, title_en, deadline, has_template,
                                        content_id, envelope, delivered_at)
       SELECT s.id, $2, 'EDB', $3, s.school_number, s.name_zh, s.name_en, $4, 'general', 'GEN', 'NOTICE', 'normal', '測試通告', 'Test notice',
              $5, false, $6, '{}'::jsonb, now()
         FROM schools s WHERE s.id = $1
       RETURNING id`,
      [o.schoolId, o.authorityId, m.id, o.ref, deadline, c.id],
    );
    if (!d) throw new Error('delivery not created');
    return { messageId: m.id, contentId: c.id, deliveryId: d.id };
  });
}
