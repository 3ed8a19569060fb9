import type { Queryable } from '../../../core/db/types.js';
import type { CategoryKey, IncomingStateKey, MessageContent, PriorityKey, ProgressStateKey, Template } from '../types.js';

/** The authority's view: its messages with counts over their deliveries, and each school's progress. */

const COUNTS_SQL = `count(*)::int AS recipients, count(dl.opened_at)::int AS opened, count(dl.preparing_at)::int AS preparing,
  count(dl.submitted_at)::int AS submitted, count(dl.received_at)::int AS received,
  count(*) FILTER (WHERE dl.submitted_at IS NULL AND dl.deadline < $1)::int AS late`;

export interface MessageSummaryRow {
  id: string;
  ref_no: string;
  category: CategoryKey;
  subject_code: string;
  type_code: string;
  priority: PriorityKey;
  title_zh: string;
  title_en: string;
  reference_date: string | null;
  deadline: Date;
  published_at: Date;
  has_template: boolean;
  recipients: number;
  opened: number;
  preparing: number;
  submitted: number;
  received: number;
  late: number;
}

export interface MessageDetailRow extends MessageSummaryRow {
  content: MessageContent;
  template: Template | null;
}

/** The authority's latest messages, counted as at `now` (late: not submitted by the deadline). */
export async function listMessageSummaries(q: Queryable, now: Date): Promise<MessageSummaryRow[]> {
  return q.query<MessageSummaryRow>(
    `SELECT m.id, m.ref_no, m.category, m.subject_code, m.type_code, m.priority, m.title_zh, m.title_en, m.reference_date::text, m.deadline, m.published_at,
              m.template IS NOT NULL AS has_template, ${COUNTS_SQL}
       FROM exchange_messages m JOIN exchange_deliveries dl ON dl.message_id = m.id
       GROUP BY m.id ORDER BY m.published_at DESC LIMIT 200`,
    [now],
  );
}

export async function findMessageDetail(q: Queryable, now: Date, messageId: string): Promise<MessageDetailRow | undefined> {
  const [m] = await q.query<MessageDetailRow>(
    `SELECT m.id, m.ref_no, m.category, m.subject_code, m.type_code, m.priority, m.title_zh, m.title_en, m.reference_date::text, m.deadline, m.published_at,
              m.template IS NOT NULL AS has_template, m.content, m.template, ${COUNTS_SQL}
       FROM exchange_messages m JOIN exchange_deliveries dl ON dl.message_id = m.id
       WHERE m.id = $2 AND m.school_id = app_school() GROUP BY m.id`,
    [now, messageId],
  );
  return m;
}

export interface SchoolProgressRow {
  id: string;
  school_id: string;
  school_number: string;
  school_name_zh: string;
  school_name_en: string;
  state: ProgressStateKey;
  late: boolean;
  delivered_at: Date;
  opened_at: Date | null;
  preparing_at: Date | null;
  submitted_at: Date | null;
  received_at: Date | null;
  receipt_hash: string | null;
  reminders: number;
  package_id: string | null;
  total: number;
  incoming: IncomingStateKey;
  failure: string | null;
}

export interface ProgressFilter {
  state?: ProgressStateKey;
  late?: 'true' | 'false';
  q?: string;
  limit: number;
  offset: number;
}

/** One row per school the message went to, filtered and paged; each row carries the filtered total. */
export async function listSchoolProgress(q: Queryable, messageId: string, now: Date, f: ProgressFilter): Promise<SchoolProgressRow[]> {
  const stateSql = `CASE WHEN dl.received_at IS NOT NULL THEN 'received' WHEN dl.submitted_at IS NOT NULL THEN 'submitted' WHEN dl.preparing_at IS NOT NULL THEN 'preparing'
                           WHEN dl.opened_at IS NOT NULL THEN 'opened' ELSE 'delivered' END`;
  const where = ['dl.message_id = $1'];
  const params: unknown[] = [messageId, now];
  if (f.state) where.push(`${stateSql} = $${params.push(f.state)}`);
  if (f.late) where.push(`(dl.submitted_at IS NULL AND dl.deadline < $2) = $${params.push(f.late === 'true')}`);
  if (f.q)
    where.push(
      `(dl.school_number ILIKE $${params.push(`%${f.q}%`)} OR dl.school_name_en ILIKE $${params.length} OR dl.school_name_zh LIKE $${params.length})`,
    );
  return q.query<SchoolProgressRow>(
    `SELECT dl.id, dl.school_id, dl.school_number, dl.school_name_zh, dl.school_name_en, ${stateSql} AS state, (dl.submitted_at IS NULL AND dl.deadline < $2) AS late,
              dl.delivered_at, dl.opened_at, dl.preparing_at, dl.submitted_at, dl.received_at, dl.receipt_hash, dl.reminders,
              (SELECT p.id FROM exchange_packages p WHERE p.delivery_id = dl.id ORDER BY p.amendment DESC, p.attempt DESC LIMIT 1) AS package_id, dl.state AS incoming, dl.failure,
              count(*) OVER ()::int AS total
       FROM exchange_deliveries dl WHERE ${where.join(' AND ')}
       ORDER BY dl.school_number LIMIT ${f.limit} OFFSET ${f.offset}`,
    params,
  );
}
