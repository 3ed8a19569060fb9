import type { Deps } from '../../core/deps.js';
import type { App } from '../../core/http.js';
import { findingRoutes } from './routes/findings.js';
import { keyRoutes } from './routes/key.js';
import { privilegedRoutes } from './routes/privileged.js';

/** Every HTTP route of the security module (memo S1, S2): the school key, privileged accounts, checks and findings. */
export function securityRoutes(app: App, d: Deps): void {
  keyRoutes(app, d);
  privilegedRoutes(app, d);
  findingRoutes(app, d);
}
