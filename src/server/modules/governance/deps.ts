import type { CheckRegistry } from '../../core/checks/registry.js';
import type { Clock } from '../../core/clock.js';
import type { Database } from '../../core/db/types.js';

/** What the governance module uses: the database, the clock, the checks, and whether e-mail can go out now. */
export interface GovernanceDeps {
  db: Database;
  clock: Clock;
  checks: CheckRegistry;
  smtpConfigured: boolean;
}
