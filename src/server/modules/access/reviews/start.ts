import type { z } from 'zod';
import type { ReviewStartBody } from '../../../../contracts/admin.js';
import { type Actor, type SystemActor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { hkToday } from '../common.js';
import { assertMayReview, assertOwnRightsReviewed, secondReviewerFor } from '../policy.js';
import { findReviewer, holdsRoleIn, insertReview, insertReviewItems } from '../queries/reviews.js';
import { countRoles } from '../queries/roles.js';

const INACTIVE_DAYS = 60;
const DAY = 86_400_000;

/** Who opens a campaign: a person through a request, or the scheduler for a recurring one. */
export interface Opening {
  schoolId: string;
  /**
   * The person the campaign is started for: recorded as its creator (the column needs a person),
   * the default reviewer, and the one who reviews the reviewer's own rights when nobody else is named.
   */
  starterId: string;
  /** Whom the audit record names. */
  auditAs: Actor | SystemActor;
}

/** An active account that holds the right to review. */
async function eligibleReviewer(q: Queryable, userId: string): Promise<string> {
  const u = await findReviewer(q, userId);
  if (!u) throw new AppError('not_found');
  assertMayReview(u.ok);
  return u.id;
}

/**
 * Open a campaign over every role (or the chosen ones): one item per person and role, with a
 * recommendation from inactivity (no sign-in for 60 days) and staff status (left, on leave).
 * Nobody reviews their own rights: those items go to a second reviewer.
 */
export async function openCampaign(d: AuthDeps, o: Opening, b: z.infer<typeof ReviewStartBody>): Promise<string> {
  if (b.dueOn < hkToday(d.clock)) throw new AppError('dates_out_of_order');
  return d.db.schoolTx(o.schoolId, async (q) => {
    const main = await eligibleReviewer(q, b.reviewerId ?? o.starterId);
    const named = b.secondReviewerId ? await eligibleReviewer(q, b.secondReviewerId) : null;
    const second = secondReviewerFor({ main, starter: o.starterId, named });
    const roleIds = b.roleIds.length ? b.roleIds : null;
    if (roleIds && (await countRoles(q, roleIds)) !== new Set(roleIds).size) throw new AppError('not_found');
    // Without a second reviewer, the reviewer must hold no rights in this campaign.
    assertOwnRightsReviewed(second, !second && (await holdsRoleIn(q, main, roleIds)));
    const r = await insertReview(q, {
      schoolId: o.schoolId,
      name: b.name,
      roleIds,
      dueOn: b.dueOn,
      recurrenceMonths: b.recurrenceMonths,
      createdBy: o.starterId,
      at: d.clock.now(),
      secondReviewerId: second,
    });
    if (!r) throw new Error('review not created');
    const items = await insertReviewItems(q, {
      schoolId: o.schoolId,
      reviewId: r.id,
      roleIds,
      reviewerId: main,
      secondReviewerId: second,
      inactiveSince: new Date(d.clock.now().getTime() - INACTIVE_DAYS * DAY),
    });
    await audit(q, d.clock, {
      ...who(o.auditAs),
      action: 'access_reviews.started',
      target: `review:${r.id}`,
      details: { name: b.name, items, dueOn: b.dueOn, reviewer: main },
    });
    return r.id;
  });
}

/** A campaign started by a person, who is its creator and, by default, its reviewer. */
export async function startReview(d: AuthDeps, a: Actor, b: z.infer<typeof ReviewStartBody>): Promise<string> {
  return openCampaign(d, { schoolId: a.schoolId, starterId: a.userId, auditAs: a }, b);
}
