import type { Deps } from '../../../core/deps.js';
import type { App } from '../../../core/http.js';

/** Planning the new year, dry run, migrate, reset and undo (memo O3, parts 3 and 4 of issue 11). */
export function rolloverRoutes(_app: App, _d: Deps): void {}
