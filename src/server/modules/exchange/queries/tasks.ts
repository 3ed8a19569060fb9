import type { Queryable } from '../../../core/db/types.js';
import type { AuthorityKey, CategoryKey, IncomingStateKey, MessageContent, TaskStatusKey } from '../types.js';

/** The school's task for each delivery (`exchange_tasks`): who follows it, by when, and how far it is. */

export async function findTaskContent(q: Queryable, deliveryId: string): Promise<{ content: MessageContent | null } | undefined> {
  const [t] = await q.query<{ content: MessageContent | null }>('SELECT content FROM exchange_tasks WHERE delivery_id = $1', [deliveryId]);
  return t;
}

export async function setTaskContent(q: Queryable, deliveryId: string, content: MessageContent): Promise<void> {
  await q.query('UPDATE exchange_tasks SET content = $2 WHERE delivery_id = $1', [deliveryId, content]);
}

export interface AssignableTaskRow {
  status: TaskStatusKey;
  deadline: Date;
  category: CategoryKey;
  lead_days: number | null;
}

/** The task with its deadline and its category's lead time, locked for assignment. */
export async function lockTaskForAssignment(q: Queryable, deliveryId: string): Promise<AssignableTaskRow | undefined> {
  const [t] = await q.query<AssignableTaskRow>(
    `SELECT t.status, dl.deadline, dl.category, p.lead_days FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id
       LEFT JOIN exchange_procedures p ON p.category = dl.category WHERE t.delivery_id = $1 FOR UPDATE OF t`,
    [deliveryId],
  );
  return t;
}

export interface Assignment {
  ownerId: string;
  backupId: string | null;
  checkerId: string | null;
  internalDue: Date;
  status: TaskStatusKey;
  at: Date;
}

export async function assignTaskPeople(q: Queryable, deliveryId: string, a: Assignment): Promise<void> {
  await q.query(
    'UPDATE exchange_tasks SET owner_id = $2, backup_id = $3, checker_id = $4, internal_due = $5, status = $6, assigned_at = coalesce(assigned_at, $7) WHERE delivery_id = $1',
    [deliveryId, a.ownerId, a.backupId, a.checkerId, a.internalDue, a.status, a.at],
  );
}

export interface NoticeTaskRow {
  status: TaskStatusKey;
  owner_id: string | null;
  backup_id: string | null;
  has_template: boolean;
  state: IncomingStateKey;
}

export async function lockTaskForDone(q: Queryable, deliveryId: string): Promise<NoticeTaskRow | undefined> {
  const [t] = await q.query<NoticeTaskRow>(
    'SELECT t.status, t.owner_id, t.backup_id, dl.has_template, dl.state FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id WHERE t.delivery_id = $1 FOR UPDATE OF t',
    [deliveryId],
  );
  return t;
}

export async function lockTaskState(
  q: Queryable,
  deliveryId: string,
): Promise<{ status: TaskStatusKey; state: IncomingStateKey } | undefined> {
  const [t] = await q.query<{ status: TaskStatusKey; state: IncomingStateKey }>(
    'SELECT t.status, dl.state FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id WHERE t.delivery_id = $1 FOR UPDATE OF t',
    [deliveryId],
  );
  return t;
}

export interface ReturnTaskRow {
  status: TaskStatusKey;
  owner_id: string | null;
  backup_id: string | null;
  checker_id: string | null;
  content: MessageContent | null;
  state: IncomingStateKey;
  reference_date: string | null;
  deadline: Date;
  category: CategoryKey;
  ref_no: string;
  authority_id: string;
  authority_code: AuthorityKey;
  delivered_at: Date;
}

/** The task a return belongs to, with its delivery; `lock` takes the task's row. */
export async function findReturnTask(q: Queryable, deliveryId: string, lock = false): Promise<ReturnTaskRow | undefined> {
  const [t] = await q.query<ReturnTaskRow>(
    `SELECT t.status, t.owner_id, t.backup_id, t.checker_id, t.content, dl.state, dl.reference_date::text, dl.deadline, dl.category, dl.ref_no, dl.authority_id, dl.authority_code, dl.delivered_at
     FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id WHERE t.delivery_id = $1${lock ? ' FOR UPDATE OF t' : ''}`,
    [deliveryId],
  );
  return t;
}

export async function finishTask(q: Queryable, deliveryId: string, at: Date): Promise<void> {
  await q.query(`UPDATE exchange_tasks SET status = 'done', done_at = $2 WHERE delivery_id = $1`, [deliveryId, at]);
}

/** A return is being prepared: an open task moves to in progress (a submitted or finished one stays). */
export async function startTask(q: Queryable, deliveryId: string): Promise<void> {
  await q.query(
    `UPDATE exchange_tasks SET status = 'in_progress' WHERE delivery_id = $1 AND status IN ('unassigned', 'assigned', 'awaiting_approval')`,
    [deliveryId],
  );
}

/** An amendment reopens a finished task. */
export async function reopenTask(q: Queryable, deliveryId: string): Promise<void> {
  await q.query(`UPDATE exchange_tasks SET status = 'in_progress', done_at = NULL WHERE delivery_id = $1`, [deliveryId]);
}

export async function setTaskInProgress(q: Queryable, deliveryId: string): Promise<void> {
  await q.query(`UPDATE exchange_tasks SET status = 'in_progress' WHERE delivery_id = $1`, [deliveryId]);
}

export async function setTaskAwaitingApproval(q: Queryable, deliveryId: string): Promise<void> {
  await q.query(`UPDATE exchange_tasks SET status = 'awaiting_approval' WHERE delivery_id = $1`, [deliveryId]);
}

export async function setTaskSubmitted(q: Queryable, deliveryId: string): Promise<void> {
  await q.query(`UPDATE exchange_tasks SET status = 'submitted' WHERE delivery_id = $1`, [deliveryId]);
}

export interface OpenTaskRow {
  delivery_id: string;
  ref_no: string;
  title_en: string;
  title_zh: string;
  status: TaskStatusKey;
  owner_id: string | null;
  backup_id: string | null;
  internal_due: Date;
  deadline: Date;
  arrived_at: Date;
  reminders: number;
}

/** Tasks not yet submitted or done, with what reminders and escalations need. */
export async function listOpenTasks(q: Queryable): Promise<OpenTaskRow[]> {
  return q.query<OpenTaskRow>(
    `SELECT t.delivery_id, dl.ref_no, dl.title_en, dl.title_zh, t.status, t.owner_id, t.backup_id, t.internal_due, dl.deadline, t.arrived_at, dl.reminders
       FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id WHERE t.status NOT IN ('submitted', 'done')`,
  );
}

export interface OpenTaskCountsRow {
  overdue: number;
  unassigned: number;
  open: number;
  next: Date | null;
}

/** Open tasks counted at `now`: past their internal due date, unassigned, all; and the nearest due date. */
export async function countOpenTasks(q: Queryable, now: Date): Promise<OpenTaskCountsRow | undefined> {
  const [c] = await q.query<OpenTaskCountsRow>(
    `SELECT count(*) FILTER (WHERE internal_due < $1)::int AS overdue, count(*) FILTER (WHERE status = 'unassigned')::int AS unassigned,
                count(*)::int AS open, min(internal_due) AS next
         FROM exchange_tasks WHERE status NOT IN ('submitted', 'done')`,
    [now],
  );
  return c;
}

/** Schools with open tasks or returns waiting for a receipt (a platform query, for the job). */
export async function listSchoolsWithOpenWork(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ school_id: string }>(
    `SELECT DISTINCT t.school_id FROM exchange_tasks t WHERE t.status NOT IN ('submitted', 'done')
           UNION SELECT DISTINCT r.school_id FROM exchange_returns r WHERE r.state = 'sent'`,
  );
  return rows.map((r) => r.school_id);
}

export interface FeedTaskRow {
  delivery_id: string;
  ref_no: string;
  title_en: string;
  title_zh: string;
  internal_due: Date;
  deadline: Date;
  status: TaskStatusKey;
}

/** The person's tasks not done (as owner, backup or checker), for the calendar feed. */
export async function listFeedTasks(q: Queryable, userId: string): Promise<FeedTaskRow[]> {
  return q.query<FeedTaskRow>(
    `SELECT t.delivery_id, dl.ref_no, dl.title_en, dl.title_zh, t.internal_due, dl.deadline, t.status FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id
       WHERE $1 IN (t.owner_id, t.backup_id, t.checker_id) AND t.status NOT IN ('done')`,
    [userId],
  );
}
