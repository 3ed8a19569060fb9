import type { z } from 'zod';
import type { NotificationView } from '../../../contracts/account.js';
import type { OutboxEntry } from '../../../contracts/audit.js';
import type { NotificationRow, OutboxRow } from './queries.js';

export function toNotificationView(r: NotificationRow): z.infer<typeof NotificationView> {
  return {
    id: r.id,
    kind: r.kind,
    titleKey: r.title_key,
    params: r.params,
    link: r.link,
    createdAt: r.created_at.toISOString(),
    readAt: r.read_at?.toISOString() ?? null,
  };
}

export function toOutboxEntryView(r: OutboxRow): z.infer<typeof OutboxEntry> {
  return {
    id: r.id,
    to: r.to_addr,
    subject: r.subject,
    body: r.body,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
    status: r.status,
  };
}
