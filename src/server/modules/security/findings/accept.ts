import type { z } from 'zod';
import type { AcceptFindingBody, ReviewFindingBody } from '../../../../contracts/security-findings.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { Clock } from '../../../core/clock.js';
import type { Database } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { acceptanceValid, endOfHongKongDay } from './policy.js';
import { acceptFindingRow, findFinding, reviewFindingRow } from './queries/store.js';

/**
 * Accept an open finding's risk for a while, with the reason: it leaves the open count until the
 * end of `until` (a Hong Kong date), then opens again. Accepting counts as reviewing it.
 */
export async function acceptFinding(
  d: { db: Database; clock: Clock },
  actor: Actor,
  id: string,
  body: z.infer<typeof AcceptFindingBody>,
): Promise<void> {
  const now = d.clock.now();
  const until = endOfHongKongDay(body.until);
  if (!acceptanceValid(until, now)) throw new AppError('acceptance_date_invalid');
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const f = await findFinding(q, id, true);
    if (!f) throw new AppError('not_found');
    if (f.status === 'fixed') throw new AppError('finding_fixed');
    await acceptFindingRow(q, id, { reason: body.reason, until, by: actor.userId, at: now });
    await audit(q, d.clock, {
      ...who(actor),
      action: 'security.finding_accepted',
      target: `finding:${id}`,
      details: { check: f.check_key, severity: f.severity, reason: body.reason, until: body.until, before: f.status },
    });
  });
}

/** Mark a finding reviewed (memo S2: every open finding is looked at within 30 days). */
export async function reviewFinding(
  d: { db: Database; clock: Clock },
  actor: Actor,
  id: string,
  body: z.infer<typeof ReviewFindingBody>,
): Promise<void> {
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const f = await findFinding(q, id, true);
    if (!f) throw new AppError('not_found');
    await reviewFindingRow(q, id, actor.userId, d.clock.now());
    await audit(q, d.clock, {
      ...who(actor),
      action: 'security.finding_reviewed',
      target: `finding:${id}`,
      details: { check: f.check_key, status: f.status, ...(body.note ? { note: body.note } : {}) },
    });
  });
}
