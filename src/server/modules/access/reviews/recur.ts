import { systemActor } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { hongKongDate } from '../../../core/clock.js';
import { AppError } from '../../../core/errors.js';
import { notifyUser } from '../../../core/notify/notify.js';
import { hkToday } from '../common.js';
import { recurrenceDue } from '../policy.js';
import { findLastCampaign } from '../queries/reviews.js';
import { openCampaign } from './start.js';

const DAY = 86_400_000;

/**
 * Campaigns recur (yearly by default): when the last completed one is `recurrence_months` old and none
 * is open, the next starts by itself with the same scope and reviewers, due in 30 days. The scheduler
 * starts it, and the audit record says so; the last campaign's starter stays its creator and reviewer.
 */
export async function startNextIfDue(d: AuthDeps, schoolId: string): Promise<void> {
  const last = await d.db.school(schoolId, (q) => findLastCampaign(q));
  if (!last || last.open > 0) return;
  if (!recurrenceDue(last.completed_at, last.recurrence_months, d.clock.now())) return;
  const due = hongKongDate(new Date(d.clock.now().getTime() + 30 * DAY));
  await openCampaign(
    d,
    { schoolId, starterId: last.created_by, auditAs: systemActor(schoolId, 'access_reviews.recur') },
    {
      name: `${last.name.replace(/ \(\d{4}-\d{2}-\d{2}\)$/, '')} (${hkToday(d.clock)})`,
      roleIds: last.role_ids ?? [],
      dueOn: due,
      reviewerId: last.created_by,
      ...(last.second_reviewer_id ? { secondReviewerId: last.second_reviewer_id } : {}),
      recurrenceMonths: last.recurrence_months,
    },
  ).catch(async (err: unknown) => {
    // Without a second reviewer the starter would review their own rights: ask them to start it instead.
    if (!(err instanceof AppError)) throw err;
    await d.db.schoolTx(schoolId, (q) =>
      notifyUser(q, d.clock, {
        schoolId,
        userId: last.created_by,
        kind: 'review.due',
        titleKey: 'notifications.reviewDue',
        params: { name: last.name },
        link: '/admin/reviews',
        idemKey: `review-due:${schoolId}:${hkToday(d.clock)}`,
      }),
    );
  });
}
