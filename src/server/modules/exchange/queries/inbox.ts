import type { Queryable } from '../../../core/db/types.js';
import type {
  AuthorityKey,
  CategoryKey,
  DueStateKey,
  IncomingStateKey,
  MessageContent,
  PriorityKey,
  ReturnStateKey,
  TaskStatusKey,
} from '../types.js';

/** The school's inbox: each delivery with its task, the people named and the latest return's state. */

const DUE_SOON_DAYS = 3;

/** A task's due state at `now` (an SQL expression or parameter): done, overdue, due within 3 days, on track. */
const dueStateSql = (now: string) => `CASE WHEN t.status IN ('submitted', 'done') THEN 'done' WHEN t.internal_due < ${now} THEN 'overdue'
  WHEN t.internal_due < ${now} + interval '${DUE_SOON_DAYS} days' THEN 'due_soon' ELSE 'on_track' END`;

export interface InboxItemRow {
  id: string;
  ref_no: string;
  code: AuthorityKey;
  category: CategoryKey;
  subject_code: string;
  type_code: string;
  priority: PriorityKey;
  title_zh: string;
  title_en: string;
  reference_date: string | null;
  deadline: Date;
  delivered_at: Date;
  opened_at: Date | null;
  state: IncomingStateKey;
  has_template: boolean;
  status: TaskStatusKey;
  due_state: DueStateKey;
  internal_due: Date;
  owner_id: string | null;
  owner: string | null;
  backup_id: string | null;
  backup: string | null;
  checker_id: string | null;
  checker: string | null;
  return_state: ReturnStateKey | null;
  failure: string | null;
  content: MessageContent | null;
  total: number;
}

const ITEM_SQL = (now: string) => `
  SELECT dl.id, dl.ref_no, dl.authority_code AS code, dl.category, dl.subject_code, dl.type_code, dl.priority, dl.title_zh, dl.title_en, dl.reference_date::text,
         dl.deadline, dl.delivered_at, dl.opened_at, dl.state, dl.has_template, dl.failure, t.status, ${dueStateSql(now)} AS due_state, t.internal_due,
         t.owner_id, coalesce(uo.display_name_zh, uo.display_name_en) AS owner, t.backup_id, coalesce(ub.display_name_zh, ub.display_name_en) AS backup,
         t.checker_id, coalesce(uc.display_name_zh, uc.display_name_en) AS checker, t.content,
         (SELECT r.state FROM exchange_returns r WHERE r.delivery_id = dl.id ORDER BY r.amendment DESC LIMIT 1) AS return_state,
         count(*) OVER ()::int AS total
  FROM exchange_deliveries dl JOIN exchange_tasks t ON t.delivery_id = dl.id
  LEFT JOIN users uo ON uo.id = t.owner_id LEFT JOIN users ub ON ub.id = t.backup_id LEFT JOIN users uc ON uc.id = t.checker_id`;

export interface InboxFilter {
  status?: TaskStatusKey;
  category?: CategoryKey;
  dueState?: DueStateKey;
  /** Only tasks naming this person (owner, backup or checker). */
  mineOf?: string;
  q?: string;
  limit: number;
  offset: number;
}

/** The school's inbox, filtered and paged; each row carries the filtered total. */
export async function listInboxItems(q: Queryable, now: Date, f: InboxFilter): Promise<InboxItemRow[]> {
  const where: string[] = ['dl.school_id = app_school()'];
  const params: unknown[] = [now];
  if (f.status) where.push(`t.status = $${params.push(f.status)}`);
  if (f.category) where.push(`dl.category = $${params.push(f.category)}`);
  if (f.dueState) where.push(`${dueStateSql('$1')} = $${params.push(f.dueState)}`);
  if (f.mineOf) where.push(`$${params.push(f.mineOf)} IN (t.owner_id, t.backup_id, t.checker_id)`);
  if (f.q)
    where.push(
      `(dl.ref_no ILIKE $${params.push(`%${f.q}%`)} OR dl.title_en ILIKE $${params.length} OR dl.title_zh LIKE $${params.length} OR dl.subject_code ILIKE $${params.length})`,
    );
  return q.query<InboxItemRow>(
    `${ITEM_SQL('$1')} WHERE ${where.join(' AND ')} ORDER BY dl.deadline, dl.ref_no LIMIT ${f.limit} OFFSET ${f.offset}`,
    params,
  );
}

export async function findInboxItem(q: Queryable, now: Date, deliveryId: string): Promise<InboxItemRow | undefined> {
  const [r] = await q.query<InboxItemRow>(`${ITEM_SQL('$1')} WHERE dl.id = $2 AND dl.school_id = app_school()`, [now, deliveryId]);
  return r;
}
