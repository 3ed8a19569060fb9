import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import { AppError } from '../../../core/errors.js';
import { assertMayApprove, assertPlanComplete } from '../policy.js';
import { countUnassigned, findPlan, markApproved } from '../queries/handover.js';
import type { HandoverDeps } from './plans.js';

/** The principal approves a complete plan; nobody approves a plan about themselves or one they drew up. */
export async function approvePlan(d: HandoverDeps, a: Actor, planId: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const p = await findPlan(q, planId, true);
    if (!p) throw new AppError('not_found');
    assertMayApprove({ status: p.status, userId: p.user_id, createdBy: p.created_by }, a.userId);
    assertPlanComplete(await countUnassigned(q, planId));
    await markApproved(q, planId, a.userId, d.clock.now());
    await audit(q, d.clock, {
      ...who(a),
      action: 'handover.approved',
      target: `handover:${planId}`,
      details: { user: p.username, effectiveOn: p.effective_on },
    });
  });
}
