import type { Queryable } from '../../../core/db/types.js';
import type { SecurityEventKind } from '../../../core/notify/notify.js';

/** One entry of the security notification list: a person of the school or an outside address. */
export interface RecipientRow {
  id: string;
  user_id: string | null;
  username: string | null;
  email: string | null;
  /** Only catalogue events are ever stored (the body is validated against them). */
  events: SecurityEventKind[];
}

export interface ListReviewRow {
  at: Date | null;
  by: string | null;
}

export interface NotificationListStateRow {
  at: Date | null;
  entries: number;
}

export async function listRecipients(q: Queryable): Promise<RecipientRow[]> {
  return q.query<RecipientRow>(
    'SELECT r.id, r.user_id, u.username, r.email, r.events FROM security_recipients r LEFT JOIN users u ON u.id = r.user_id ORDER BY u.username NULLS LAST, r.email',
  );
}

export async function findListReview(q: Queryable, schoolId: string): Promise<ListReviewRow | undefined> {
  const [s] = await q.query<ListReviewRow>(
    'SELECT s.notification_list_reviewed_at AS at, u.username AS by FROM schools s LEFT JOIN users u ON u.id = s.notification_list_reviewed_by WHERE s.id = $1',
    [schoolId],
  );
  return s;
}

export async function countRecipients(q: Queryable): Promise<number> {
  const [n] = await q.query<{ n: number }>('SELECT count(*) AS n FROM security_recipients');
  return n?.n ?? 0;
}

export async function deleteRecipients(q: Queryable): Promise<void> {
  await q.query('DELETE FROM security_recipients');
}

export async function insertRecipient(
  q: Queryable,
  r: { schoolId: string; userId: string | null; email: string | null; events: string[]; at: Date },
): Promise<void> {
  await q.query('INSERT INTO security_recipients (school_id, user_id, email, events, created_at) VALUES ($1, $2, $3, $4, $5)', [
    r.schoolId,
    r.userId,
    r.email,
    r.events,
    r.at,
  ]);
}

export async function markListReviewed(q: Queryable, schoolId: string, at: Date, by: string): Promise<void> {
  await q.query('UPDATE schools SET notification_list_reviewed_at = $2, notification_list_reviewed_by = $3 WHERE id = $1', [
    schoolId,
    at,
    by,
  ]);
}

/** Memo U1: when the list was last reviewed, and how many entries it has. */
export async function findNotificationListState(q: Queryable, schoolId: string): Promise<NotificationListStateRow | undefined> {
  const [s] = await q.query<NotificationListStateRow>(
    'SELECT notification_list_reviewed_at AS at, (SELECT count(*) FROM security_recipients) AS entries FROM schools WHERE id = $1',
    [schoolId],
  );
  return s;
}
