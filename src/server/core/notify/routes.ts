import { z } from 'zod';
import { EmptyBody, IdParam, NotificationList } from '../../../contracts/account.js';
import { OutboxPage } from '../../../contracts/audit.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/types.js';
import { type App, sessionOf } from '../http.js';
import { markRead, myNotifications, outbox } from './inbox.js';

export function notifyRoutes(app: App, d: { db: Database; clock: Clock }): void {
  app.get('/api/notifications', { config: { self: true }, schema: { response: { 200: NotificationList } } }, async (req) =>
    myNotifications(d, sessionOf(req)),
  );

  app.post(
    '/api/notifications/:id/read',
    { config: { self: true }, schema: { params: IdParam, body: EmptyBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await markRead(d, sessionOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get('/api/outbox', { config: { permission: 'notify.outbox.read' }, schema: { response: { 200: OutboxPage } } }, async (req) =>
    outbox(d, sessionOf(req).schoolId),
  );
}
