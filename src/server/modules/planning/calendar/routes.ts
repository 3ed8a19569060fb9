import type { Deps } from '../../../core/deps.js';
import type { App } from '../../../core/http.js';

/** The annual work calendar and the transition plan (memo O3, parts 1, 2 and 5 of issue 11). */
export function calendarRoutes(_app: App, _d: Deps): void {}
