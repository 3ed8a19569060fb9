import type { SessionTimeouts } from '../auth/sessions.js';
import type { Mailer } from '../mail/mailer.js';
import {
  claimNextMail,
  deleteOldAuthFailures,
  deleteOldRateWindows,
  deleteStaleSessions,
  markMailFailed,
  markMailSent,
} from './queries.js';
import type { Job } from './scheduler.js';

/** Housekeeping: expired sessions, old rate-limit windows and failure records. */
export function cleanupJob(t: SessionTimeouts): Job {
  return {
    name: 'cleanup',
    everyMs: 10 * 60_000,
    async run({ db, now }) {
      await db.system(async (q) => {
        await deleteStaleSessions(q, new Date(now.getTime() - t.idleMs), new Date(now.getTime() - t.absoluteMs));
        await deleteOldRateWindows(q, new Date(now.getTime() - 3600_000));
        await deleteOldAuthFailures(q, new Date(now.getTime() - 24 * 3600_000));
      });
    },
  };
}

/**
 * Send queued e-mail through SMTP. Each message is claimed for 5 minutes in a short transaction,
 * sent with no transaction open (a slow mail server holds up nothing else), then marked.
 */
export function mailJob(mailer: Mailer): Job {
  return {
    name: 'mail',
    everyMs: 30_000,
    async run({ db, now }) {
      if (!mailer.configured) return;
      for (let i = 0; i < 100; i++) {
        const m = await db.system((q) => claimNextMail(q, now));
        if (!m) return;
        try {
          await mailer.send({ to: m.to_addr, subject: m.subject, text: m.body });
          await db.system((q) => markMailSent(q, m.id, now));
        } catch (err) {
          const failed = m.attempts + 1 >= 5;
          await db.system((q) => markMailFailed(q, m.id, String((err as Error).message).slice(0, 500), failed ? 'failed' : 'queued'));
          // The claim stays until it runs out: the next try comes after 5 minutes.
        }
      }
    },
  };
}
