import type { Queryable } from '../../../core/db/types.js';
import type { CategoryKey, MessageContent, PriorityKey, Template } from '../types.js';

/** The authority's messages (`exchange_messages`) and their sealed content (`exchange_contents`). */

/** Messages the authority has published so far (its reference numbers count them). */
export async function countMessages(q: Queryable): Promise<number> {
  const [n] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange_messages');
  return n?.n ?? 0;
}

export interface NewMessage {
  authorityId: string;
  refNo: string;
  category: CategoryKey;
  subjectCode: string;
  typeCode: string;
  priority: PriorityKey;
  titleZh: string;
  titleEn: string;
  referenceDate: string | null;
  deadline: Date;
  audience: unknown;
  content: MessageContent;
  template: Template | null;
  publishedBy: string;
  publishedAt: Date;
}

export async function insertMessage(q: Queryable, m: NewMessage): Promise<{ id: string } | undefined> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO exchange_messages (school_id, ref_no, category, subject_code, type_code, priority, title_zh, title_en, reference_date, deadline, audience, content, template, published_by, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
    [
      m.authorityId,
      m.refNo,
      m.category,
      m.subjectCode,
      m.typeCode,
      m.priority,
      m.titleZh,
      m.titleEn,
      m.referenceDate,
      m.deadline,
      m.audience,
      m.content,
      m.template,
      m.publishedBy,
      m.publishedAt,
    ],
  );
  return row;
}

export async function findMessageRefNo(q: Queryable, messageId: string): Promise<string | undefined> {
  const [m] = await q.query<{ ref_no: string }>('SELECT ref_no FROM exchange_messages WHERE id = $1', [messageId]);
  return m?.ref_no;
}

export interface MessageContentRow {
  ref_no: string;
  content: MessageContent;
}

export async function findMessageContent(q: Queryable, messageId: string): Promise<MessageContentRow | undefined> {
  const [m] = await q.query<MessageContentRow>('SELECT ref_no, content FROM exchange_messages WHERE id = $1', [messageId]);
  return m;
}

/** The content sealed once under its data key; each delivery carries the key wrapped for its school. */
export async function insertContent(q: Queryable, authorityId: string, messageId: string, ciphertext: string, at: Date): Promise<string> {
  const [c] = await q.query<{ id: string }>(
    'INSERT INTO exchange_contents (authority_id, message_id, ciphertext, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
    [authorityId, messageId, ciphertext, at],
  );
  return c?.id ?? '';
}
