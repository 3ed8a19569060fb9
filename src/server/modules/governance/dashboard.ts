import type { z } from 'zod';
import type { CheckDetail, Dashboard } from '../../../contracts/governance.js';
import type { Session } from '../../core/auth/sessions.js';
import { AppError } from '../../core/errors.js';
import type { GovernanceDeps } from './deps.js';
import { memoItems, summarise, viewFor } from './policy.js';

/** The principal's dashboard for one reader: all twenty memo items, the overall figure, and each check's links for them. */
export async function readDashboard(d: GovernanceDeps, s: Session): Promise<z.infer<typeof Dashboard>> {
  const outcomes = await d.checks.evaluateAll(d.db, s.schoolId, d.clock);
  const items = memoItems(outcomes);
  return {
    items,
    summary: summarise(items),
    checks: outcomes.map((c) => viewFor(c, s)),
    evaluatedAt: d.clock.now().toISOString(),
  };
}

/** One check, read-only: what the dashboard says of it, for anyone who may read the dashboard. */
export async function readCheck(d: GovernanceDeps, s: Session, key: string): Promise<z.infer<typeof CheckDetail>> {
  const outcome = await d.checks.evaluateOne(d.db, s.schoolId, d.clock, key);
  if (!outcome) throw new AppError('not_found');
  return { check: viewFor(outcome, s), evaluatedAt: d.clock.now().toISOString() };
}
