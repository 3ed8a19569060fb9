import type { Deps } from '../../core/deps.js';
import type { App } from '../../core/http.js';
import { calendarRoutes } from './calendar/routes.js';
import { rolloverRoutes } from './rollover/routes.js';

/** Every HTTP route of the planning module (memo O3): the annual work calendar and transition plan, and the year rollover. */
export function planningRoutes(app: App, d: Deps): void {
  calendarRoutes(app, d);
  rolloverRoutes(app, d);
}
