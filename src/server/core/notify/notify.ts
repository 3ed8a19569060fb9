import type { NotificationTitleKey } from '../../../contracts/notifications.js';
import type { PermissionKey } from '../../../contracts/permissions.js';
import { findActiveHolders } from '../auth/queries/roles.js';
import type { Clock } from '../clock.js';
import type { Queryable } from '../db/types.js';
import { type RecipientRow, insertNotification, insertOutboxMail, listSecurityRecipients } from './queries.js';

export interface InAppNotice {
  schoolId: string;
  userId: string;
  kind: string;
  /** i18n key under `notifications.*`, translated by the web (the catalogue in contracts/notifications.ts). */
  titleKey: NotificationTitleKey;
  params?: Record<string, string>;
  link?: string | null;
  /** Same key twice = sent once (DESIGN rule 7). */
  idemKey?: string;
}

export async function notifyUser(q: Queryable, clock: Clock, n: InAppNotice): Promise<boolean> {
  return insertNotification(q, {
    schoolId: n.schoolId,
    userId: n.userId,
    kind: n.kind,
    titleKey: n.titleKey,
    params: n.params ?? {},
    link: n.link ?? null,
    createdAt: clock.now(),
    idemKey: n.idemKey ?? null,
  });
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
  return insertOutboxMail(q, {
    schoolId: m.schoolId,
    to: m.to,
    subject: m.subject,
    body: m.body,
    createdAt: clock.now(),
    status: smtpConfigured ? 'queued' : 'held',
    idemKey: m.idemKey ?? null,
  });
}

/** The security events a school's notification list can subscribe people and addresses to (memo U1). */
export const SECURITY_EVENTS = [
  'account_locked',
  'network_refused',
  'privileged_changed',
  'backup_downloaded',
  'school_key_changed',
  'school_key_locked',
  'check_failing',
  'security_finding',
  'break_glass_used',
  // Not an alert: the daily copy of the audit checkpoint, sent only to whoever is listed for it.
  'audit_checkpoint',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENTS)[number];

/**
 * A security event goes to the school's notification list for that event: people in the app and by
 * e-mail, outside addresses by e-mail. While nobody is on the list for it, it goes to everyone who
 * holds `fallbackPermission`, so no event is ever dropped.
 */
export async function securityEvent(
  q: Queryable,
  clock: Clock,
  smtpConfigured: boolean,
  e: {
    schoolId: string;
    event: SecurityEventKind;
    titleKey: NotificationTitleKey;
    params: Record<string, string>;
    subject: string;
    body: string;
    idemKey: string;
    fallbackPermission: PermissionKey;
  },
): Promise<void> {
  const listed = await listSecurityRecipients(q, e.event);
  const people: RecipientRow[] = listed.length
    ? listed
    : (await findActiveHolders(q, e.fallbackPermission)).map((u) => ({ user_id: u.id, email: null, user_email: u.email }));
  for (const p of people) {
    const key = p.user_id ?? p.email ?? '';
    if (p.user_id) {
      await notifyUser(q, clock, {
        schoolId: e.schoolId,
        userId: p.user_id,
        kind: `security.${e.event}`,
        titleKey: e.titleKey,
        params: e.params,
        idemKey: `${e.idemKey}:${key}`,
      });
    }
    const to = p.email ?? p.user_email;
    if (to)
      await queueMail(q, clock, smtpConfigured, {
        schoolId: e.schoolId,
        to,
        subject: e.subject,
        body: e.body,
        idemKey: `${e.idemKey}:mail:${key}`,
      });
  }
}
