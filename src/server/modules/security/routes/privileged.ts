import type { Deps } from '../../../core/deps.js';
import type { App } from '../../../core/http.js';

export function privilegedRoutes(_app: App, _d: Deps): void {}
