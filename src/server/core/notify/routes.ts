import { z } from 'zod';
import { EmptyBody, IdParam, NotificationList } from '../../../contracts/account.js';
import { OutboxPage } from '../../../contracts/audit.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/types.js';
import { AppError } from '../errors.js';
import { type App, sessionOf } from '../http.js';

export function notifyRoutes(app: App, d: { db: Database; clock: Clock }): void {
  app.get('/api/notifications', { config: { self: true }, schema: { response: { 200: NotificationList } } }, async (req) => {
    const s = sessionOf(req);
    return d.db.school(s.schoolId, async (q) => {
      const rows = await q.query<{
        id: string;
        kind: string;
        title_key: string;
        params: Record<string, string>;
        link: string | null;
        created_at: Date;
        read_at: Date | null;
      }>(
        'SELECT id, kind, title_key, params, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY created_at DESC LIMIT 50',
        [s.userId],
      );
      const [c] = await q.query<{ n: number }>('SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL', [
        s.userId,
      ]);
      return {
        notifications: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          titleKey: r.title_key,
          params: r.params,
          link: r.link,
          createdAt: r.created_at.toISOString(),
          readAt: r.read_at?.toISOString() ?? null,
        })),
        unread: c?.n ?? 0,
      };
    });
  });

  // Marking one's own notification read is a trivial personal state change; it is not audited.
  app.post(
    '/api/notifications/:id/read',
    { config: { self: true }, schema: { params: IdParam, body: EmptyBody, response: { 204: z.null() } } },
    async (req, reply) => {
      const s = sessionOf(req);
      const rows = await d.db.school(s.schoolId, (q) =>
        q.query('UPDATE notifications SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2 RETURNING id', [
          req.params.id,
          s.userId,
          d.clock.now(),
        ]),
      );
      if (!rows.length) throw new AppError('not_found');
      return reply.code(204).send(null);
    },
  );

  app.get('/api/outbox', { config: { permission: 'notify.outbox.read' }, schema: { response: { 200: OutboxPage } } }, async (req) => {
    const s = sessionOf(req);
    const rows = await d.db.school(s.schoolId, (q) =>
      q.query<{
        id: string;
        to_addr: string;
        subject: string;
        body: string;
        created_at: Date;
        sent_at: Date | null;
        status: 'queued' | 'sent' | 'failed' | 'held';
      }>('SELECT id, to_addr, subject, body, created_at, sent_at, status FROM mail_outbox ORDER BY created_at DESC LIMIT 200'),
    );
    return {
      entries: rows.map((r) => ({
        id: r.id,
        to: r.to_addr,
        subject: r.subject,
        body: r.body,
        createdAt: r.created_at.toISOString(),
        sentAt: r.sent_at?.toISOString() ?? null,
        status: r.status,
      })),
    };
  });
}
