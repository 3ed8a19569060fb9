import { systemActor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import { hongKongDate } from '../../../core/clock.js';
import { notifyUser, queueMail } from '../../../core/notify/notify.js';
import { listSecurityRecipients } from '../../../core/notify/queries.js';
import type { Job } from '../../../core/scheduler/scheduler.js';
import type { GovernanceDeps } from '../deps.js';
import { listActivePeople } from '../queries/people.js';
import { bilingualDigestMail, digestMail, personName } from '../words.js';
import { needingAction, whatNeedsThem } from './compose.js';

/**
 * One school's digest for the Hong Kong day of `now`: each person whom a failing check needs gets one message
 * that day, in the app and by e-mail, in their language, listing all of them (issue 14: the first start had
 * queued one e-mail per failing check per person). The unique keys are the person and the day: a second run,
 * a second process or a later tick the same day sends nothing; the next day sends again if anything still fails.
 * Security events stay immediate (`securityEvent`); this carries only what can wait for the morning.
 */
export async function sendDigests(
  d: Pick<GovernanceDeps, 'db' | 'clock' | 'checks' | 'smtpConfigured'>,
  schoolId: string,
): Promise<number> {
  const now = d.clock.now();
  const day = hongKongDate(now);
  const failing = needingAction(await d.checks.evaluateAll(d.db, schoolId, d.clock));
  if (!failing.length) return 0;
  return d.db.schoolTx(schoolId, async (q) => {
    const people = await listActivePeople(q);
    const list = await listSecurityRecipients(q, 'check_failing');
    const userIds = new Set(list.flatMap((r) => (r.user_id ? [r.user_id] : [])));
    const needs = whatNeedsThem(failing, people, { userIds, anyone: list.length > 0 });
    let told = 0;
    for (const p of people) {
      const checks = needs.get(p.id);
      if (!checks) continue;
      const reads = p.permissions.includes('governance.dashboard.read');
      const fresh = await notifyUser(q, d.clock, {
        schoolId,
        userId: p.id,
        kind: 'governance.digest',
        titleKey: 'notifications.dailyDigest',
        params: { count: String(checks.length) },
        // Someone who does not read the dashboard goes to the first page of theirs they may open.
        link: reads ? '/' : (checks.find((c) => c.link && p.permissions.includes(c.linkPermission))?.link ?? null),
        idemKey: `digest:${day}:${p.id}`,
      });
      if (fresh) told++;
      if (p.email) {
        const mail = digestMail(p.locale, personName(p.locale, p), now, checks);
        await queueMail(q, d.clock, d.smtpConfigured, { schoolId, to: p.email, ...mail, idemKey: `digest-mail:${day}:${p.id}` });
      }
    }
    const addresses = list.flatMap((r) => (r.email && !r.user_id ? [r.email] : []));
    for (const to of addresses)
      await queueMail(q, d.clock, d.smtpConfigured, {
        schoolId,
        to,
        ...bilingualDigestMail(now, failing),
        idemKey: `digest-mail:${day}:${schoolId}:${to.toLowerCase()}`,
      });
    if (told)
      await audit(q, d.clock, {
        ...who(systemActor(schoolId, 'governance.digest')),
        action: 'notify.digest_sent',
        target: `day:${day}`,
        details: { people: told, checks: failing.map((c) => c.key) },
      });
    return told;
  });
}

/** Hourly; the first tick of each Hong Kong day sends that day's digests, the others find them sent. */
export function digestJob(d: Pick<GovernanceDeps, 'clock' | 'checks' | 'smtpConfigured'>): Job {
  return {
    name: 'digest',
    everyMs: 60 * 60_000,
    async run({ db, forEachSchool }) {
      // The memo's checks are a school's duties; an authority on the platform has none of them.
      await forEachSchool('school', async (id) => {
        await sendDigests({ ...d, db }, id);
      });
    },
  };
}
