import type { Queryable } from '../db/types.js';

/** Insert an in-app notification; false when one with the same idempotency key exists. */
export async function insertNotification(
  q: Queryable,
  n: {
    schoolId: string;
    userId: string;
    kind: string;
    titleKey: string;
    params: Record<string, string>;
    link: string | null;
    createdAt: Date;
    idemKey: string | null;
  },
): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO notifications (school_id, user_id, kind, title_key, params, link, created_at, idem_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idem_key) DO NOTHING RETURNING id`,
    [n.schoolId, n.userId, n.kind, n.titleKey, n.params, n.link, n.createdAt, n.idemKey],
  );
  return rows.length > 0;
}

export type MailStatus = 'queued' | 'sent' | 'failed' | 'held';

/** Put an e-mail in the outbox; false when one with the same idempotency key exists. */
export async function insertOutboxMail(
  q: Queryable,
  m: { schoolId: string; to: string; subject: string; body: string; createdAt: Date; status: MailStatus; idemKey: string | null },
): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO mail_outbox (school_id, to_addr, subject, body, created_at, status, idem_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idem_key) DO NOTHING RETURNING id`,
    [m.schoolId, m.to, m.subject, m.body, m.createdAt, m.status, m.idemKey],
  );
  return rows.length > 0;
}

/** Someone on the school's notification list: an active person, or an outside address. */
export interface RecipientRow {
  user_id: string | null;
  email: string | null;
  user_email: string | null;
}

export async function listSecurityRecipients(q: Queryable, event: string): Promise<RecipientRow[]> {
  return q.query<RecipientRow>(
    `SELECT r.user_id, r.email, u.email AS user_email FROM security_recipients r LEFT JOIN users u ON u.id = r.user_id
     WHERE $1 = ANY(r.events) AND (r.user_id IS NULL OR u.status = 'active')`,
    [event],
  );
}

export interface NotificationRow {
  id: string;
  kind: string;
  title_key: string;
  params: Record<string, string>;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

/** A person's 50 most recent notifications. */
export async function listNotifications(q: Queryable, userId: string): Promise<NotificationRow[]> {
  return q.query<NotificationRow>(
    'SELECT id, kind, title_key, params, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY created_at DESC LIMIT 50',
    [userId],
  );
}

export async function countUnread(q: Queryable, userId: string): Promise<number> {
  const [c] = await q.query<{ n: number }>('SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL', [userId]);
  return c?.n ?? 0;
}

/** Mark one of a person's notifications read (the first time only); false when it is not theirs. */
export async function markNotificationRead(q: Queryable, id: string, userId: string, at: Date): Promise<boolean> {
  const rows = await q.query('UPDATE notifications SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2 RETURNING id', [
    id,
    userId,
    at,
  ]);
  return rows.length > 0;
}

export interface OutboxRow {
  id: string;
  to_addr: string;
  subject: string;
  body: string;
  created_at: Date;
  sent_at: Date | null;
  status: MailStatus;
}

/** The school's 200 most recent e-mails. */
export async function listOutbox(q: Queryable): Promise<OutboxRow[]> {
  return q.query<OutboxRow>(
    'SELECT id, to_addr, subject, body, created_at, sent_at, status FROM mail_outbox ORDER BY created_at DESC LIMIT 200',
  );
}
