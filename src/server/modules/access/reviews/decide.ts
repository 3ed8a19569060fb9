import type { z } from 'zod';
import type { ReviewDecisionBody } from '../../../../contracts/admin.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { AppError } from '../../../core/errors.js';
import { assertMayDecide } from '../policy.js';
import { insertBatch, recordBatchDecisions } from '../queries/review-batches.js';
import { lockItemToDecide } from '../queries/reviews.js';

/** The item's reviewer keeps or removes one person's role, with a reason (a batch of one, which they may undo). */
export async function decide(
  d: AuthDeps,
  a: Actor,
  reviewId: string,
  itemId: string,
  b: z.infer<typeof ReviewDecisionBody>,
): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const i = await lockItemToDecide(q, reviewId, itemId);
    if (!i) throw new AppError('not_found');
    assertMayDecide({ userId: i.user_id, reviewerId: i.reviewer_id, campaignStatus: i.status }, a.userId);
    // A batch of one, so that this decision is undone the same way as a bulk one.
    const at = d.clock.now();
    const batchId = await insertBatch(q, {
      schoolId: a.schoolId,
      reviewId,
      decidedBy: a.userId,
      at,
      decision: b.decision,
      reason: b.reason,
      selection: { items: 1 },
      items: 1,
    });
    await recordBatchDecisions(q, [itemId], { batchId, decision: b.decision, reason: b.reason, at, by: a.userId });
    await audit(q, d.clock, {
      ...who(a),
      action: 'access_reviews.decided',
      target: `review_item:${itemId}`,
      details: { review: reviewId, user: i.user_id, decision: b.decision, reason: b.reason, batch: batchId },
    });
  });
}
