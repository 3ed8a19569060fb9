import { EmptyBody } from '../../../../contracts/account.js';
import { NotificationListBody, NotificationListView } from '../../../../contracts/admin.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { type App, sessionOf } from '../../../core/http.js';
import * as access from '../service.js';
import { NoContent } from './common.js';

/** The security notification list (memo U1). */
export function notificationListRoutes(app: App, d: AuthDeps): void {
  app.get(
    '/api/admin/notification-list',
    { config: { permission: 'notify.list.manage' }, schema: { response: { 200: NotificationListView } } },
    async (req) => access.getNotificationList(d, sessionOf(req).schoolId),
  );
  app.put(
    '/api/admin/notification-list',
    { config: { permission: 'notify.list.manage' }, schema: { body: NotificationListBody, response: NoContent } },
    async (req, reply) => {
      await access.putNotificationList(d, actorOf(req), req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/admin/notification-list/reviewed',
    { config: { permission: 'notify.list.manage' }, schema: { body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await access.signOffNotificationList(d, actorOf(req));
      return reply.code(204).send(null);
    },
  );
}
