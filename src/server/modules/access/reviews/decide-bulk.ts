import type { z } from 'zod';
import type { ReviewBulkBody, ReviewBulkResult } from '../../../../contracts/admin.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { AppError } from '../../../core/errors.js';
import { selectForBulk } from '../policy.js';
import { insertBatch, lockItemsForBulk, recordBatchDecisions } from '../queries/review-batches.js';
import { lockReview } from '../queries/reviews.js';

/**
 * One request decides many items (every one without a recommendation, every holding of a role, or
 * the items named), as one batch the reviewer may undo until completion. Each decision is audited
 * as a single one is, naming the batch.
 */
export async function decideBulk(
  d: AuthDeps,
  a: Actor,
  reviewId: string,
  b: z.infer<typeof ReviewBulkBody>,
): Promise<z.infer<typeof ReviewBulkResult>> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    const r = await lockReview(q, reviewId);
    if (!r) throw new AppError('not_found');
    const items = await lockItemsForBulk(q, reviewId);
    const chosen = selectForBulk(
      r.status,
      items.map((i) => ({
        id: i.id,
        userId: i.user_id,
        reviewerId: i.reviewer_id,
        roleId: i.role_id,
        recommendation: i.recommendation,
        decided: i.decided,
      })),
      { recommendation: b.recommendation, roleId: b.roleId, itemIds: b.itemIds },
      a.userId,
    );
    if (chosen.length === 0) return { batchId: null, decided: 0 };
    const at = d.clock.now();
    const batchId = await insertBatch(q, {
      schoolId: a.schoolId,
      reviewId,
      decidedBy: a.userId,
      at,
      decision: b.decision,
      reason: b.reason,
      selection: {
        ...(b.recommendation ? { recommendation: b.recommendation } : {}),
        ...(b.roleId ? { roleId: b.roleId } : {}),
        ...(b.itemIds ? { items: b.itemIds.length } : {}),
      },
      items: chosen.length,
    });
    const decided = await recordBatchDecisions(q, chosen, { batchId, decision: b.decision, reason: b.reason, at, by: a.userId });
    for (const i of decided) {
      await audit(q, d.clock, {
        ...who(a),
        action: 'access_reviews.decided',
        target: `review_item:${i.id}`,
        details: { review: reviewId, user: i.user_id, decision: b.decision, reason: b.reason, batch: batchId },
      });
    }
    return { batchId, decided: decided.length };
  });
}
