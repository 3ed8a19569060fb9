import { Dashboard } from '../../../contracts/governance.js';
import type { CheckRegistry } from '../../core/checks/registry.js';
import type { Clock } from '../../core/clock.js';
import type { Database } from '../../core/db/types.js';
import { type App, sessionOf } from '../../core/http.js';

export function governanceRoutes(app: App, d: { db: Database; clock: Clock; checks: CheckRegistry }): void {
  app.get(
    '/api/dashboard',
    { config: { permission: 'governance.dashboard.read' }, schema: { response: { 200: Dashboard } } },
    async (req) => {
      const s = sessionOf(req);
      const checks = await d.checks.evaluateAll(d.db, s.schoolId, d.clock);
      return { checks, evaluatedAt: d.clock.now().toISOString() };
    },
  );
}
