import type { z } from 'zod';
import type { NotificationList } from '../../../contracts/account.js';
import type { OutboxPage } from '../../../contracts/audit.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/types.js';
import { AppError } from '../errors.js';
import { countUnread, listNotifications, listOutbox, markNotificationRead } from './queries.js';
import { toNotificationView, toOutboxEntryView } from './views.js';

/** A person's recent notifications and how many are unread. */
export async function myNotifications(
  d: { db: Database },
  p: { schoolId: string; userId: string },
): Promise<z.infer<typeof NotificationList>> {
  return d.db.school(p.schoolId, async (q) => {
    const rows = await listNotifications(q, p.userId);
    const unread = await countUnread(q, p.userId);
    return { notifications: rows.map(toNotificationView), unread };
  });
}

/** Marking one's own notification read is a trivial personal state change; it is not audited. */
export async function markRead(d: { db: Database; clock: Clock }, p: { schoolId: string; userId: string }, id: string): Promise<void> {
  const marked = await d.db.school(p.schoolId, (q) => markNotificationRead(q, id, p.userId, d.clock.now()));
  if (!marked) throw new AppError('not_found');
}

/** The school's outbox: what was sent, is queued, or is held because no SMTP server is configured. */
export async function outbox(d: { db: Database }, schoolId: string): Promise<z.infer<typeof OutboxPage>> {
  const rows = await d.db.school(schoolId, (q) => listOutbox(q));
  return { entries: rows.map(toOutboxEntryView) };
}
