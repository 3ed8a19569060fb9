import type { AuthDeps } from '../../core/auth/service.js';
import type { HoldingRegistry } from '../../core/handover/registry.js';
import type { App } from '../../core/http.js';
import { handoverRoutes } from './routes/handover.js';
import { networkRoutes } from './routes/network.js';
import { notificationListRoutes } from './routes/notification-list.js';
import { reviewRoutes } from './routes/reviews.js';
import { roleRoutes } from './routes/roles.js';
import { userRoutes } from './routes/users.js';
import type { NetworkPolicy } from './service.js';

/** Every HTTP route of the access module, in the order they have always been registered. */
export function accessRoutes(app: App, d: AuthDeps & { policy: NetworkPolicy; holdings: HoldingRegistry }): void {
  userRoutes(app, d);
  roleRoutes(app, d);
  reviewRoutes(app, d);
  networkRoutes(app, d);
  notificationListRoutes(app, d);
  handoverRoutes(app, d);
}
