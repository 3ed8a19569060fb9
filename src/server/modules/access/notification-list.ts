import type { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import type { NotificationListBody } from '../../../contracts/admin.js';
import { audit } from '../../core/audit/audit.js';
import type { AuthDeps } from '../../core/auth/service.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';
import { AppError } from '../../core/errors.js';

export async function getNotificationList(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  return d.db.school(schoolId, async (q) => {
    const rows = await q.query<{ id: string; user_id: string | null; username: string | null; email: string | null; events: string[] }>(
      'SELECT r.id, r.user_id, u.username, r.email, r.events FROM security_recipients r LEFT JOIN users u ON u.id = r.user_id ORDER BY u.username NULLS LAST, r.email',
    );
    const [s] = await q.query<{ at: Date | null; by: string | null }>(
      'SELECT s.notification_list_reviewed_at AS at, u.username AS by FROM schools s LEFT JOIN users u ON u.id = s.notification_list_reviewed_by WHERE s.id = $1',
      [schoolId],
    );
    return {
      entries: rows.map((r) => ({ id: r.id, userId: r.user_id, username: r.username, email: r.email, events: r.events as never })),
      reviewedAt: s?.at?.toISOString() ?? null,
      reviewedBy: s?.by ?? null,
    };
  });
}

/** Replace the list. People must be the school's; every entry has at least one event. */
export async function putNotificationList(d: AuthDeps, a: Actor, b: z.infer<typeof NotificationListBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const userIds = [...new Set(b.entries.map((e) => e.userId).filter((x): x is string => !!x))];
    if (userIds.length) {
      const [n] = await q.query<{ n: number }>('SELECT count(*) AS n FROM users WHERE id = ANY($1)', [userIds]);
      if ((n?.n ?? 0) !== userIds.length) throw new AppError('not_found');
    }
    const before = await q.query<{ n: number }>('SELECT count(*) AS n FROM security_recipients');
    await q.query('DELETE FROM security_recipients');
    for (const e of b.entries) {
      await q.query('INSERT INTO security_recipients (school_id, user_id, email, events, created_at) VALUES ($1, $2, $3, $4, $5)', [
        a.schoolId,
        e.userId ?? null,
        e.email ?? null,
        [...new Set(e.events)],
        d.clock.now(),
      ]);
    }
    await audit(q, d.clock, {
      ...who(a),
      action: 'notify.list_changed',
      target: `school:${a.schoolId}`,
      details: {
        before: before[0]?.n ?? 0,
        after: b.entries.map((e) => ({ user: e.userId ?? null, email: e.email ?? null, events: e.events })),
      },
    });
  });
}

/** The yearly review of the list, signed off by a named person. */
export async function signOffNotificationList(d: AuthDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await q.query('UPDATE schools SET notification_list_reviewed_at = $2, notification_list_reviewed_by = $3 WHERE id = $1', [
      a.schoolId,
      d.clock.now(),
      a.userId,
    ]);
    await audit(q, d.clock, { ...who(a), action: 'notify.list_reviewed', target: `school:${a.schoolId}` });
  });
}

/** Memo U1: the security e-mail notification list reviewed within the last 12 months. */
export function registerNotificationListChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.U1.notification-list',
    memo: 'U1',
    owner: 'notify.list.manage',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const [s] = await q.query<{ at: Date | null; entries: number }>(
        'SELECT notification_list_reviewed_at AS at, (SELECT count(*) FROM security_recipients) AS entries FROM schools WHERE id = $1',
        [schoolId],
      );
      const link = '/admin/notification-list';
      if (!s?.at) return { status: 'attention', summaryKey: 'checks.notificationList.never', params: { entries: s?.entries ?? 0 }, link };
      const days = (now.getTime() - s.at.getTime()) / 86_400_000;
      const params = { date: s.at.toISOString().slice(0, 10), entries: s.entries };
      const due = new Date(s.at.getTime() + 365 * 86_400_000);
      if (days <= 365) return { status: 'ok', summaryKey: 'checks.notificationList.ok', params, link, due };
      return { status: days > 396 ? 'overdue' : 'attention', summaryKey: 'checks.notificationList.due', params, link, due };
    },
  });
}
