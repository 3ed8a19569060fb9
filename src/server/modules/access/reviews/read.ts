import type { AuthDeps } from '../../../core/auth/service.js';
import { AppError } from '../../../core/errors.js';
import { findReview, listReviewItems, listReviews as listReviewRows } from '../queries/reviews.js';
import { toReviewItemView, toReviewView } from '../views.js';

export async function listReviews(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) => listReviewRows(q));
  return rows.map(toReviewView);
}

/** A campaign with every item, its reviewer and decision. */
export async function getReview(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string) {
  return d.db.school(schoolId, async (q) => {
    const r = await findReview(q, id);
    if (!r) throw new AppError('not_found');
    const items = await listReviewItems(q, id);
    return { ...toReviewView(r), items: items.map(toReviewItemView) };
  });
}
