import type { z } from 'zod';
import type { PermissionKey } from '../../../../contracts/permissions.js';
import type { FindingList, FindingQuery, PostureView } from '../../../../contracts/security-findings.js';
import { ownerNames } from '../../../core/checks/queries.js';
import { type Clock, hongKongDate } from '../../../core/clock.js';
import type { Database } from '../../../core/db/types.js';
import { days } from './policy.js';
import { findLastRun, listFindings, listPosture } from './queries/store.js';
import { toFindingView, toPostureDay, toRunView } from './views.js';

/** People named as a finding's owner, at most this many per permission. */
const OWNER_NAMES = 5;

/** The school's findings (filtered), each with its owners named, and the last run of the checks. */
export async function listSecurityFindings(
  d: { db: Database },
  schoolId: string,
  filter: z.infer<typeof FindingQuery>,
): Promise<z.infer<typeof FindingList>> {
  return d.db.school(schoolId, async (q) => {
    const rows = await listFindings(q, filter);
    const owners = new Map<string, string[]>();
    for (const owner of new Set(rows.map((r) => r.owner))) owners.set(owner, await ownerNames(q, owner as PermissionKey, OWNER_NAMES));
    const last = await findLastRun(q);
    return { findings: rows.map((r) => toFindingView(r, owners.get(r.owner) ?? [])), lastRun: last ? toRunView(last) : null };
  });
}

/** Open findings by severity per day, from the daily snapshots (days without a run are left out). */
export async function securityPosture(
  d: { db: Database; clock: Clock },
  schoolId: string,
  span: number,
): Promise<z.infer<typeof PostureView>> {
  const from = hongKongDate(new Date(d.clock.now().getTime() - days(span - 1)));
  const rows = await d.db.school(schoolId, (q) => listPosture(q, from));
  return { days: rows.map(toPostureDay) };
}
