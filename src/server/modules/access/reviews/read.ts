import type { AuthDeps } from '../../../core/auth/service.js';
import { PRIVILEGED_PERMISSIONS } from '../../../core/auth/permissions.js';
import { AppError } from '../../../core/errors.js';
import { countFullHoldersAfterRemovals, listBatches } from '../queries/review-batches.js';
import { findReview, listReviewItems, listReviews as listReviewRows } from '../queries/reviews.js';
import { toReviewBatchView, toReviewItemView, toReviewView } from '../views.js';

export async function listReviews(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) => listReviewRows(q));
  return rows.map(toReviewView);
}

/**
 * A campaign with every item, its reviewer and decision; the batches of decisions still in force
 * (each may be undone until completion); and what completing it needs, so that nobody learns it
 * from a refusal: every item decided, and someone left with every system-administrator right.
 */
export async function getReview(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string) {
  return d.db.school(schoolId, async (q) => {
    const r = await findReview(q, id);
    if (!r) throw new AppError('not_found');
    const items = await listReviewItems(q, id);
    const open = r.status === 'open';
    const batches = open ? await listBatches(q, id) : [];
    const leavesNoAdministrator = open && r.removals > 0 && (await countFullHoldersAfterRemovals(q, id, PRIVILEGED_PERMISSIONS)) < 1;
    return {
      ...toReviewView(r),
      items: items.map(toReviewItemView),
      batches: batches.map(toReviewBatchView),
      requirements: { undecided: r.total - r.decided, leavesNoAdministrator },
    };
  });
}
