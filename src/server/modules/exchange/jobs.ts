import { hkStampEn, hkStampZh } from '../../core/hk-time.js';
import { activeHolders } from '../../core/auth/roles.js';
import { hongKongDate } from '../../core/clock.js';
import type { ExchangeNotice } from '../../../contracts/notifications.js';
import type { Queryable } from '../../core/db/types.js';
import { notifyUser, queueMail } from '../../core/notify/notify.js';
import type { Job } from '../../core/scheduler/scheduler.js';
import { intake } from './authority/intake.js';
import { type ExchangeDeps, event } from './common.js';
import { type Escalation, escalationsDue, reminderDue } from './policy.js';
import { listUnansweredPackages } from './queries/packages.js';
import { type ContactRow, listActiveContacts, listPrincipals } from './queries/people.js';
import { type OpenTaskRow, listOpenTasks, listSchoolsWithOpenWork } from './queries/tasks.js';
import { syncReceipts } from './returns/receipts.js';

/** Tell each person once (per key), in-app and by e-mail where they have an address; returns how many were told anew. */
async function tell(
  d: ExchangeDeps,
  q: Queryable,
  schoolId: string,
  people: ContactRow[],
  notice: ExchangeNotice,
  t: OpenTaskRow,
  key: string,
  subject: string,
  body: string,
): Promise<number> {
  let sent = 0;
  for (const p of people) {
    const params = {
      refNo: t.ref_no,
      title: t.title_zh,
      titleEn: t.title_en,
      due: hongKongDate(t.internal_due),
      deadline: hongKongDate(t.deadline),
    };
    const fresh = await notifyUser(q, d.clock, {
      schoolId,
      userId: p.id,
      kind: `exchange.${notice}`,
      titleKey: `notifications.exchange_${notice}`,
      params,
      link: `/exchange/inbox/${t.delivery_id}`,
      idemKey: `${key}:${p.id}`,
    });
    if (fresh) sent++;
    if (p.email)
      await queueMail(q, d.clock, d.smtpConfigured, {
        schoolId,
        to: p.email,
        subject: `${subject} ${t.ref_no}`,
        body: `${body}\n${t.ref_no} ${t.title_en} / ${t.title_zh}\nDue: ${hkStampEn(t.internal_due)}; authority deadline: ${hkStampEn(t.deadline)}\n內部限期：${hkStampZh(t.internal_due)}；當局限期：${hkStampZh(t.deadline)}`,
        idemKey: `${key}:mail:${p.id}`,
      });
  }
  return sent;
}

const ESCALATION_TEXT: Record<Escalation, [string, string]> = {
  unassigned: ['Unassigned for 3 days / 3 日仍未指派', 'Nobody has been named to follow this message. / 此訊息仍未指派負責人。'],
  overdue: ['Past its internal due date / 已過內部限期', "This task is past the school's internal due date. / 此工作已過學校內部限期。"],
  unapproved: [
    'Authority deadline within 24 hours / 24 小時內到當局限期',
    'The return has not been approved by the checker. / 申報仍未經核對人批核。',
  ],
};

/** `dueKey` makes an escalation about a date fire again when the date is moved (and only then). */
async function escalate(d: ExchangeDeps, q: Queryable, schoolId: string, to: ContactRow[], t: OpenTaskRow, why: Escalation, dueKey = 0) {
  const [subject, body] = ESCALATION_TEXT[why];
  const key = `exchange-esc:${why}:${t.delivery_id}${dueKey ? `:${dueKey}` : ''}`;
  const sent = await tell(d, q, schoolId, to, `escalation_${why}`, t, key, subject, body);
  if (sent) await event(q, d.clock, { orgId: schoolId, deliveryId: t.delivery_id, event: `escalated_${why}`, details: { to: to.length } });
}

/**
 * What every open task needs today: news of its arrival, reminders 7, 3 and 1 days before the
 * internal due date (owner and backup, in-app and e-mail), the authority's reminders, and
 * escalation to the principal when it sits unassigned 3 days, passes its internal due date, or
 * comes within 24 hours of the authority's deadline without the checker's approval. Each has its
 * own idempotency key: however often this runs, each is sent once.
 */
export async function runDeadlines(d: ExchangeDeps, schoolId: string): Promise<void> {
  await d.db.schoolTx(schoolId, async (q) => {
    const now = d.clock.now().getTime();
    const tasks = await listOpenTasks(q);
    if (!tasks.length) return;
    const users = new Map((await listActiveContacts(q)).map((u) => [u.id, u]));
    const people = (...ids: (string | null)[]): ContactRow[] =>
      ids.flatMap((x) => {
        const u = x ? users.get(x) : undefined;
        return u ? [u] : [];
      });
    // Whoever assigns tasks; escalations go to the principal, or to them when the school has no principal.
    const assigners = await activeHolders(q, 'exchange.manage');
    const heads = await listPrincipals(q);
    const managers = heads.length ? heads : assigners;
    for (const t of tasks) {
      const id = t.delivery_id;
      if (t.owner_id)
        await tell(
          d,
          q,
          schoolId,
          people(t.owner_id),
          'arrived',
          t,
          `exchange-arrived:${id}`,
          'New message / 新訊息',
          'A message from the authority is yours to follow. / 當局訊息由你跟進。',
        );
      else
        await tell(
          d,
          q,
          schoolId,
          assigners,
          'unassigned',
          t,
          `exchange-unassigned:${id}`,
          'New message to assign / 新訊息待指派',
          'No procedure names an owner for this category: please assign someone. / 此類別未有指定負責人，請指派。',
        );
      const due = t.internal_due.getTime();
      const days = reminderDue(now, due);
      if (days !== null)
        await tell(
          d,
          q,
          schoolId,
          people(t.owner_id, t.backup_id),
          'reminder',
          t,
          `exchange-remind:${id}:${due}:${days}`,
          `Due in ${days} day(s) / ${days} 日內到期`,
          `Please finish before the internal due date. / 請於內部限期前完成。`,
        );
      if (t.reminders > 0) {
        await tell(
          d,
          q,
          schoolId,
          t.owner_id ? people(t.owner_id, t.backup_id) : managers,
          'authority_reminder',
          t,
          `exchange-authority-remind:${id}:${t.reminders}`,
          'Reminder from the authority / 當局提示',
          'The authority is waiting for this return. / 當局仍在等候此申報。',
        );
      }
      const escalations = escalationsDue(
        { status: t.status, arrivedAt: t.arrived_at, internalDue: t.internal_due, deadline: t.deadline },
        now,
      );
      // Only the overdue escalation is about a date the school sets: moving it makes it fire again.
      for (const why of escalations) await escalate(d, q, schoolId, managers, t, why, why === 'overdue' ? due : 0);
    }
  });
}

/** The exchange's scheduled work: the authority's intake of anything unanswered, receipts, then deadlines. */
export function exchangeJob(d: ExchangeDeps): Job {
  return {
    name: 'exchange-deadlines',
    everyMs: 10 * 60_000,
    async run({ db, forEachSchool }) {
      // Packages the authority has not answered yet (a process stopped between send and receipt).
      const pending = await db.system((q) => listUnansweredPackages(q));
      for (const id of pending) await intake(d, id);
      const schools = await db.system((q) => listSchoolsWithOpenWork(q));
      await forEachSchool(schools, async (schoolId) => {
        await syncReceipts(d, schoolId);
        await runDeadlines(d, schoolId);
      });
    },
  };
}
