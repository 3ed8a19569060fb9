import type { Clock } from '../clock.js';
import type { Queryable } from '../db/types.js';

export interface InAppNotice {
  schoolId: string;
  userId: string;
  kind: string;
  /** i18n key under `notifications.*`, translated by the web. */
  titleKey: string;
  params?: Record<string, string>;
  link?: string | null;
  /** Same key twice = sent once (DESIGN rule 7). */
  idemKey?: string;
}

export async function notifyUser(q: Queryable, clock: Clock, n: InAppNotice): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO notifications (school_id, user_id, kind, title_key, params, link, created_at, idem_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idem_key) DO NOTHING RETURNING id`,
    [n.schoolId, n.userId, n.kind, n.titleKey, n.params ?? {}, n.link ?? null, clock.now(), n.idemKey ?? null],
  );
  return rows.length > 0;
}

export interface OutgoingMail {
  schoolId: string;
  to: string;
  subject: string;
  body: string;
  idemKey?: string;
}

/**
 * Queue an e-mail in the caller's transaction. With SMTP configured the mail job sends it;
 * without, it is held in the outbox, which administrators read in the web.
 */
export async function queueMail(q: Queryable, clock: Clock, smtpConfigured: boolean, m: OutgoingMail): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO mail_outbox (school_id, to_addr, subject, body, created_at, status, idem_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idem_key) DO NOTHING RETURNING id`,
    [m.schoolId, m.to, m.subject, m.body, clock.now(), smtpConfigured ? 'queued' : 'held', m.idemKey ?? null],
  );
  return rows.length > 0;
}

/**
 * A security event goes to everyone in the school who holds `recipientsPermission`,
 * in the app and by e-mail. (The configurable notification list comes with memo U1's issue.)
 */
export async function securityEvent(
  q: Queryable,
  clock: Clock,
  smtpConfigured: boolean,
  e: { schoolId: string; kind: string; titleKey: string; params: Record<string, string>; subject: string; body: string; idemKey: string; recipientsPermission: string },
): Promise<void> {
  const people = await q.query<{ id: string; email: string | null }>(
    `SELECT DISTINCT u.id, u.email FROM users u JOIN user_roles ur ON ur.user_id = u.id
     JOIN role_permissions rp ON rp.role_id = ur.role_id WHERE rp.permission = $1 AND u.status = 'active'`,
    [e.recipientsPermission],
  );
  for (const p of people) {
    await notifyUser(q, clock, { schoolId: e.schoolId, userId: p.id, kind: e.kind, titleKey: e.titleKey, params: e.params, idemKey: `${e.idemKey}:${p.id}` });
    if (p.email) await queueMail(q, clock, smtpConfigured, { schoolId: e.schoolId, to: p.email, subject: e.subject, body: e.body, idemKey: `${e.idemKey}:mail:${p.id}` });
  }
}
