import { systemActor, who } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { audit } from '../../../core/audit/audit.js';
import { hkTime } from '../../../core/hk-time.js';
import { notifyUser, queueMail } from '../../../core/notify/notify.js';
import type { Job } from '../../../core/scheduler/scheduler.js';
import { DEFAULT_ROTATION_DAYS, passwordDue, warningThreshold } from './policy.js';
import { findRotationDays, findRotationRecipients, listRotatedAccounts } from './queries.js';

/**
 * Shared and break-glass passwords follow the school's rotation period (memo S1): 14, 7 and 1 days
 * before one is due, and once when it is past due, the holders of `users.manage` (and a shared
 * account itself) are told, in the app and by e-mail. Each warning is sent once per account, password
 * and threshold (its idempotency key), however often the job runs; a new password starts again.
 */
export function rotationWarningsJob(d: Pick<AuthDeps, 'clock' | 'smtpConfigured'>): Job {
  return {
    name: 'privileged-rotation',
    everyMs: 60 * 60_000,
    async run({ db, now, forEachSchool }) {
      await forEachSchool('school', async (id) => {
        await db.schoolTx(id, async (q) => {
          const days = (await findRotationDays(q, id)) ?? DEFAULT_ROTATION_DAYS;
          const accounts = await listRotatedAccounts(q);
          if (!accounts.length) return;
          const admins = await findRotationRecipients(q);
          for (const a of accounts) {
            const due = passwordDue(a.account_kind, a.password_changed_at, days);
            const threshold = due ? warningThreshold(due, now) : null;
            if (!due || threshold === null) continue;
            const key = `pw-rotation:${a.id}:${a.password_changed_at.getTime()}:${threshold}`;
            const dueOn = hkTime(due);
            const titleKey = threshold === 0 ? 'notifications.privilegedPasswordOverdue' : 'notifications.privilegedPasswordDue';
            const people = a.account_kind === 'shared' ? [...admins, { id: a.id, email: null }] : admins;
            let sent = 0;
            for (const p of people) {
              const fresh = await notifyUser(q, d.clock, {
                schoolId: id,
                userId: p.id,
                kind: 'privileged.rotation',
                titleKey,
                params: { username: a.username, days: String(threshold), due: dueOn.date },
                link: '/security/accounts',
                idemKey: `${key}:${p.id}`,
              });
              if (fresh) sent++;
              if (p.email)
                await queueMail(q, d.clock, d.smtpConfigured, {
                  schoolId: id,
                  to: p.email,
                  subject: `Password of ${a.username} due / ${a.username} 的密碼需要更換`,
                  body:
                    threshold === 0
                      ? `The password of the ${a.account_kind === 'shared' ? 'shared' : 'break-glass'} account ${a.username} was due on ${dueOn.date}: change it now.\n帳戶 ${a.username} 的密碼已於 ${dueOn.dateZh} 到期，請立即更換。`
                      : `The password of the ${a.account_kind === 'shared' ? 'shared' : 'break-glass'} account ${a.username} is due within ${threshold} day(s), on ${dueOn.date}.\n帳戶 ${a.username} 的密碼將於 ${threshold} 日內（${dueOn.dateZh}）到期。`,
                  idemKey: `${key}:mail:${p.id}`,
                });
            }
            if (sent)
              await audit(q, d.clock, {
                ...who(systemActor(id, 'privileged.rotation')),
                action: 'privileged.rotation_warned',
                target: `user:${a.id}`,
                details: { username: a.username, daysLeft: threshold, due: due.toISOString(), told: sent },
              });
          }
        });
      });
    },
  };
}
