import { hkDay } from '../../../core/hk-time.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { notifyUser, queueMail } from '../../../core/notify/notify.js';
import type { Job } from '../../../core/scheduler/scheduler.js';
import { hkToday } from '../common.js';
import { listPending } from '../queries/reviews.js';
import { startNextIfDue } from './recur.js';

/** Remind reviewers of undecided items once a day; escalate to the starter when past the due date; start recurring campaigns. */
export function reviewRemindersJob(d: AuthDeps): Job {
  return {
    name: 'review-reminders',
    everyMs: 60 * 60_000,
    async run({ db, forEachSchool }) {
      const today = hkToday(d.clock);
      await forEachSchool('any', async (id) => {
        await startNextIfDue(d, id);
        await db.schoolTx(id, async (q) => {
          for (const r of await listPending(q)) {
            const late = r.due_on < today;
            const params = { name: r.name, count: String(r.n), due: r.due_on };
            await notifyUser(q, d.clock, {
              schoolId: id,
              userId: r.reviewer_id,
              kind: 'review.reminder',
              titleKey: 'notifications.reviewReminder',
              params,
              link: `/admin/reviews/${r.review_id}`,
              idemKey: `review-remind:${r.review_id}:${r.reviewer_id}:${today}`,
            });
            if (r.email) {
              await queueMail(q, d.clock, d.smtpConfigured, {
                schoolId: id,
                to: r.email,
                subject: `Access review / 權限覆核: ${r.name}`,
                body: `${r.n} decision(s) are waiting for you in "${r.name}", due ${hkDay(r.due_on).date}.\n「${r.name}」尚有 ${r.n} 項待你決定，限期 ${hkDay(r.due_on).dateZh}。`,
                idemKey: `review-remind-mail:${r.review_id}:${r.reviewer_id}:${today}`,
              });
            }
            if (late) {
              await notifyUser(q, d.clock, {
                schoolId: id,
                userId: r.created_by,
                kind: 'review.overdue',
                titleKey: 'notifications.reviewOverdue',
                params,
                link: `/admin/reviews/${r.review_id}`,
                idemKey: `review-overdue:${r.review_id}:${today}`,
              });
            }
          }
        });
      });
    },
  };
}
