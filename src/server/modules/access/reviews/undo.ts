import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { AppError } from '../../../core/errors.js';
import { assertMayUndo } from '../policy.js';
import { clearBatchDecisions, lockBatch, markBatchUndone } from '../queries/review-batches.js';

/**
 * The reviewer takes back a batch of decisions (one item or a bulk decision) before the campaign is
 * completed: its items are undecided again. Each item taken back is audited, naming the batch.
 */
export async function undoBatch(d: AuthDeps, a: Actor, reviewId: string, batchId: string): Promise<{ undone: number }> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    const b = await lockBatch(q, reviewId, batchId);
    if (!b) throw new AppError('not_found');
    assertMayUndo({ decidedBy: b.decided_by, undone: b.undone_at !== null, campaignStatus: b.status }, a.userId);
    const cleared = await clearBatchDecisions(q, batchId);
    await markBatchUndone(q, batchId, d.clock.now(), a.userId);
    for (const i of cleared) {
      await audit(q, d.clock, {
        ...who(a),
        action: 'access_reviews.decision_undone',
        target: `review_item:${i.id}`,
        details: { review: reviewId, user: i.user_id, batch: batchId },
      });
    }
    return { undone: cleared.length };
  });
}
