import type { z } from 'zod';
import type { ReviewPreview, ReviewPreviewQuery } from '../../../../contracts/admin.js';
import type { Actor } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { needsSecondReviewer, secondReviewerFor } from '../policy.js';
import { countItemsInScope, holdsRoleIn } from '../queries/reviews.js';

/**
 * What starting a campaign would mean, asked while the form is filled in: how many items, and
 * whether a second reviewer is needed (the same rule that refuses the start), so the form can say
 * so before the person presses the button.
 */
export async function previewReview(
  d: Pick<AuthDeps, 'db'>,
  a: Actor,
  f: z.infer<typeof ReviewPreviewQuery>,
): Promise<z.infer<typeof ReviewPreview>> {
  const ids = f.roleIds ? [...new Set(f.roleIds.split(','))] : [];
  const roleIds = ids.length ? ids : null;
  const main = f.reviewerId ?? a.userId;
  const second = secondReviewerFor({ main, starter: a.userId, named: f.secondReviewerId ?? null });
  return d.db.school(a.schoolId, async (q) => {
    const holds = await holdsRoleIn(q, main, roleIds);
    return {
      items: await countItemsInScope(q, roleIds),
      reviewerHoldsRights: holds,
      secondReviewerNeeded: needsSecondReviewer(second, holds),
    };
  });
}
