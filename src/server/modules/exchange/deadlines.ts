import ical from 'ical-generator';
import { type Actor, who } from '../../core/auth/actor.js';
import { audit } from '../../core/audit/audit.js';
import { activeHolders } from '../../core/auth/roles.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';
import { randomToken, sha256 } from '../../core/crypto/secrets.js';
import type { Queryable } from '../../core/db/types.js';
import { notifyUser, queueMail } from '../../core/notify/notify.js';
import type { Job } from '../../core/scheduler/scheduler.js';
import { intake } from './authority.js';
import { DAY, type ExchangeDeps, event } from './common.js';
import { hongKongDate } from '../../core/clock.js';
import { syncReceipts } from './returns.js';

/** Reminders before the internal due date, in days (memo O2). */
export const REMINDER_DAYS = [7, 3, 1] as const;
const UNASSIGNED_ESCALATION_MS = 3 * DAY;
const FINAL_HOURS_MS = 24 * 3600_000;

type OpenTask = {
  delivery_id: string;
  ref_no: string;
  title_en: string;
  title_zh: string;
  status: string;
  owner_id: string | null;
  backup_id: string | null;
  internal_due: Date;
  deadline: Date;
  arrived_at: Date;
  reminders: number;
};

/** The principal(s): holders of the principal template role. */
async function principals(q: Queryable): Promise<{ id: string; email: string | null }[]> {
  return q.query<{ id: string; email: string | null }>(
    `SELECT DISTINCT u.id, u.email FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id WHERE r.template_key = 'principal' AND u.status = 'active'`,
  );
}

async function tell(
  d: ExchangeDeps,
  q: Queryable,
  schoolId: string,
  people: { id: string; email: string | null }[],
  kind: string,
  t: OpenTask,
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
      kind,
      titleKey: `notifications.${kind.replace('exchange.', 'exchange_')}`,
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
        body: `${body}\n${t.ref_no} ${t.title_en} / ${t.title_zh}\nDue / 內部限期: ${params.due}; authority deadline / 當局限期: ${params.deadline}`,
        idemKey: `${key}:mail:${p.id}`,
      });
  }
  return sent;
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
    const tasks = await q.query<OpenTask>(
      `SELECT t.delivery_id, dl.ref_no, dl.title_en, dl.title_zh, t.status, t.owner_id, t.backup_id, t.internal_due, dl.deadline, t.arrived_at, dl.reminders
       FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id WHERE t.status NOT IN ('submitted', 'done')`,
    );
    if (!tasks.length) return;
    const users = new Map(
      (await q.query<{ id: string; email: string | null }>(`SELECT id, email FROM users WHERE status = 'active'`)).map((u) => [u.id, u]),
    );
    const people = (...ids: (string | null)[]) =>
      ids.filter((x): x is string => !!x && users.has(x)).map((x) => users.get(x) as { id: string; email: string | null });
    // Whoever assigns tasks; escalations go to the principal, or to them when the school has no principal.
    const assigners = await activeHolders(q, 'exchange.manage');
    const heads = await principals(q);
    const managers = heads.length ? heads : assigners;
    for (const t of tasks) {
      const id = t.delivery_id;
      if (t.owner_id)
        await tell(
          d,
          q,
          schoolId,
          people(t.owner_id),
          'exchange.arrived',
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
          'exchange.unassigned',
          t,
          `exchange-unassigned:${id}`,
          'New message to assign / 新訊息待指派',
          'No procedure names an owner for this category: please assign someone. / 此類別未有指定負責人，請指派。',
        );
      const due = t.internal_due.getTime();
      for (const days of REMINDER_DAYS) {
        // Only the nearest reminder that applies: a task assigned 2 days before its due date gets the 3-day one, once.
        if (
          now >= due - days * DAY &&
          now < due &&
          (days === 1 || now < due - (REMINDER_DAYS[REMINDER_DAYS.indexOf(days) + 1] ?? 0) * DAY)
        ) {
          await tell(
            d,
            q,
            schoolId,
            people(t.owner_id, t.backup_id),
            'exchange.reminder',
            t,
            `exchange-remind:${id}:${due}:${days}`,
            `Due in ${days} day(s) / ${days} 日內到期`,
            `Please finish before the internal due date. / 請於內部限期前完成。`,
          );
        }
      }
      if (t.reminders > 0) {
        await tell(
          d,
          q,
          schoolId,
          t.owner_id ? people(t.owner_id, t.backup_id) : managers,
          'exchange.authority_reminder',
          t,
          `exchange-authority-remind:${id}:${t.reminders}`,
          'Reminder from the authority / 當局提示',
          'The authority is waiting for this return. / 當局仍在等候此申報。',
        );
      }
      if (t.status === 'unassigned' && now >= t.arrived_at.getTime() + UNASSIGNED_ESCALATION_MS) {
        await escalate(d, q, schoolId, managers, t, 'unassigned');
      }
      if (now > due) await escalate(d, q, schoolId, managers, t, 'overdue', due);
      if (now >= t.deadline.getTime() - FINAL_HOURS_MS) await escalate(d, q, schoolId, managers, t, 'unapproved');
    }
  });
}

/** `dueKey` makes an escalation about a date fire again when the date is moved (and only then). */
async function escalate(
  d: ExchangeDeps,
  q: Queryable,
  schoolId: string,
  to: { id: string; email: string | null }[],
  t: OpenTask,
  why: 'unassigned' | 'overdue' | 'unapproved',
  dueKey = 0,
) {
  const text = {
    unassigned: ['Unassigned for 3 days / 3 日仍未指派', 'Nobody has been named to follow this message. / 此訊息仍未指派負責人。'],
    overdue: ['Past its internal due date / 已過內部限期', "This task is past the school's internal due date. / 此工作已過學校內部限期。"],
    unapproved: [
      'Authority deadline within 24 hours / 24 小時內到當局限期',
      'The return has not been approved by the checker. / 申報仍未經核對人批核。',
    ],
  }[why];
  const sent = await tell(
    d,
    q,
    schoolId,
    to,
    `exchange.escalation_${why}`,
    t,
    `exchange-esc:${why}:${t.delivery_id}${dueKey ? `:${dueKey}` : ''}`,
    text[0] as string,
    text[1] as string,
  );
  if (sent) await event(q, d.clock, { orgId: schoolId, deliveryId: t.delivery_id, event: `escalated_${why}`, details: { to: to.length } });
}

export function exchangeJob(d: ExchangeDeps): Job {
  return {
    name: 'exchange-deadlines',
    everyMs: 10 * 60_000,
    async run({ db }) {
      // Packages the authority has not answered yet (a process stopped between send and receipt).
      const pending = await db.system((q) => q.query<{ id: string }>(`SELECT id FROM exchange_packages WHERE state = 'sent'`));
      for (const p of pending) await intake(d, p.id);
      const schools = await db.system((q) =>
        q.query<{ school_id: string }>(
          `SELECT DISTINCT t.school_id FROM exchange_tasks t WHERE t.status NOT IN ('submitted', 'done')
           UNION SELECT DISTINCT r.school_id FROM exchange_returns r WHERE r.state = 'sent'`,
        ),
      );
      for (const s of schools) {
        await syncReceipts(d, s.school_id);
        await runDeadlines(d, s.school_id);
      }
    },
  };
}

// ---- Checks (memo O1, O2) ------------------------------------------------------------------------

export function registerExchangeChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.O1.procedures',
    memo: 'O1',
    owner: 'exchange.manage',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const [s] = await q.query<{ at: Date | null; complete: number }>(
        `SELECT procedures_reviewed_at AS at,
                (SELECT count(*)::int FROM exchange_procedures WHERE owner_id IS NOT NULL AND backup_id IS NOT NULL AND checker_id IS NOT NULL) AS complete
         FROM schools WHERE id = $1`,
        [schoolId],
      );
      const link = '/exchange/procedures';
      const complete = s?.complete ?? 0;
      const params = { complete, total: 6, date: s?.at ? hongKongDate(s.at) : '' };
      if (complete < 6) return { status: 'attention', summaryKey: 'checks.procedures.incomplete', params, link };
      if (!s?.at) return { status: 'attention', summaryKey: 'checks.procedures.never', params, link };
      const due = new Date(s.at.getTime() + 365 * DAY);
      if (now <= due) return { status: 'ok', summaryKey: 'checks.procedures.ok', params, link, due };
      return { status: 'overdue', summaryKey: 'checks.procedures.due', params, link, due };
    },
  });
  registry.register({
    key: 'memo.O2.deadlines',
    memo: 'O2',
    owner: 'exchange.manage',
    async evaluate({ q, now }): Promise<CheckResult> {
      const [c] = await q.query<{ overdue: number; unassigned: number; open: number; next: Date | null }>(
        `SELECT count(*) FILTER (WHERE internal_due < $1)::int AS overdue, count(*) FILTER (WHERE status = 'unassigned')::int AS unassigned,
                count(*)::int AS open, min(internal_due) AS next
         FROM exchange_tasks WHERE status NOT IN ('submitted', 'done')`,
        [now],
      );
      const params = { overdue: c?.overdue ?? 0, unassigned: c?.unassigned ?? 0, open: c?.open ?? 0 };
      const link = '/exchange/inbox';
      if (params.overdue) return { status: 'overdue', summaryKey: 'checks.deadlines.overdue', params, link, due: c?.next ?? null };
      if (params.unassigned) return { status: 'attention', summaryKey: 'checks.deadlines.unassigned', params, link, due: c?.next ?? null };
      return { status: 'ok', summaryKey: 'checks.deadlines.ok', params, link, due: c?.next ?? null };
    },
  });
}

// ---- Personal calendar feed ------------------------------------------------------------------------

export async function feedStatus(d: ExchangeDeps, a: Actor): Promise<{ createdAt: string | null }> {
  const [f] = await d.db.school(a.schoolId, (q) =>
    q.query<{ created_at: Date }>('SELECT created_at FROM calendar_feeds WHERE user_id = $1', [a.userId]),
  );
  return { createdAt: f?.created_at.toISOString() ?? null };
}

/** A new secret feed address (the old one stops working). Only its hash is kept: the address is shown once. */
export async function createFeed(d: ExchangeDeps, a: Actor): Promise<string> {
  const token = randomToken(32);
  await d.db.schoolTx(a.schoolId, async (q) => {
    await q.query(
      `INSERT INTO calendar_feeds (user_id, school_id, token_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = $3, created_at = $4`,
      [a.userId, a.schoolId, sha256(token), d.clock.now()],
    );
    await audit(q, d.clock, { ...who(a), action: 'exchange.calendar_feed_created', target: `user:${a.userId}` });
  });
  return token;
}

export async function revokeFeed(d: ExchangeDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await q.query('DELETE FROM calendar_feeds WHERE user_id = $1', [a.userId]);
    await audit(q, d.clock, { ...who(a), action: 'exchange.calendar_feed_revoked', target: `user:${a.userId}` });
  });
}

/** The feed: the person's open exchange tasks (internal due dates and authority deadlines), or null for an unknown address. */
export async function feedCalendar(d: ExchangeDeps, token: string): Promise<string | null> {
  const [f] = await d.db.system((q) =>
    q.query<{ user_id: string; school_id: string }>(
      // The address works only while its owner is active and still holds exchange.read.
      `SELECT f.user_id, f.school_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id
       WHERE f.token_hash = $1 AND u.status = 'active'
         AND EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id WHERE ur.user_id = u.id AND rp.permission = 'exchange.read')`,
      [sha256(token)],
    ),
  );
  if (!f) return null;
  const rows = await d.db.school(f.school_id, (q) =>
    q.query<{
      delivery_id: string;
      ref_no: string;
      title_en: string;
      title_zh: string;
      internal_due: Date;
      deadline: Date;
      status: string;
    }>(
      `SELECT t.delivery_id, dl.ref_no, dl.title_en, dl.title_zh, t.internal_due, dl.deadline, t.status FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id
       WHERE $1 IN (t.owner_id, t.backup_id, t.checker_id) AND t.status NOT IN ('done')`,
      [f.user_id],
    ),
  );
  // Times go out in UTC (…Z), which every calendar converts to the reader's zone; a named zone without
  // a VTIMEZONE would be read as floating local time and shift deadlines by the server's offset.
  const cal = ical({ name: 'Exchange deadlines / 資料交換限期', prodId: { company: 'hk-school-admin', product: 'exchange' } });
  for (const r of rows) {
    cal.createEvent({
      id: `${r.delivery_id}-due@hk-school-admin`,
      start: r.internal_due,
      end: new Date(r.internal_due.getTime() + 3600_000),
      summary: `[${r.ref_no}] ${r.title_zh} / ${r.title_en} (internal due 內部限期)`,
      stamp: d.clock.now(),
    });
    cal.createEvent({
      id: `${r.delivery_id}-deadline@hk-school-admin`,
      start: r.deadline,
      end: new Date(r.deadline.getTime() + 3600_000),
      summary: `[${r.ref_no}] ${r.title_zh} / ${r.title_en} (authority deadline 當局限期)`,
      stamp: d.clock.now(),
    });
  }
  return cal.toString();
}
