import type { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import type { ReviewDecisionBody, ReviewStartBody } from '../../../contracts/admin.js';
import { audit } from '../../core/audit/audit.js';
import type { AuthDeps } from '../../core/auth/service.js';
import type { SessionStore } from '../../core/auth/sessions.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';
import { hongKongDate } from '../../core/clock.js';
import { writeCsv } from '../../core/csv.js';
import { pdfTable } from '../../core/pdf.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { notifyUser, queueMail } from '../../core/notify/notify.js';
import type { Job } from '../../core/scheduler/scheduler.js';
import { hkToday } from './roles.js';
import { assertAdminRemains } from './rules.js';

const INACTIVE_DAYS = 60;
const DAY = 86_400_000;

interface ReviewRow {
  id: string;
  name: string;
  status: 'open' | 'completed' | 'cancelled';
  due_on: string;
  created_at: Date;
  completed_at: Date | null;
  recurrence_months: number;
  total: number;
  decided: number;
  removals: number;
}
const view = (r: ReviewRow) => ({
  id: r.id,
  name: r.name,
  status: r.status,
  dueOn: r.due_on,
  createdAt: r.created_at.toISOString(),
  completedAt: r.completed_at?.toISOString() ?? null,
  recurrenceMonths: r.recurrence_months,
  total: r.total,
  decided: r.decided,
  removals: r.removals,
});
const REVIEW_COLS = `r.id, r.name, r.status, r.due_on::text, r.created_at, r.completed_at, r.recurrence_months,
  (SELECT count(*) FROM access_review_items i WHERE i.review_id = r.id) AS total,
  (SELECT count(*) FROM access_review_items i WHERE i.review_id = r.id AND i.decision IS NOT NULL) AS decided,
  (SELECT count(*) FROM access_review_items i WHERE i.review_id = r.id AND i.decision = 'remove') AS removals`;

export async function listReviews(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) =>
    q.query<ReviewRow>(`SELECT ${REVIEW_COLS} FROM access_reviews r ORDER BY r.created_at DESC LIMIT 100`),
  );
  return rows.map(view);
}

export async function getReview(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string) {
  return d.db.school(schoolId, async (q) => {
    const [r] = await q.query<ReviewRow>(`SELECT ${REVIEW_COLS} FROM access_reviews r WHERE r.id = $1`, [id]);
    if (!r) throw new AppError('not_found');
    const items = await q.query<{
      id: string;
      user_id: string;
      username: string;
      display_name_en: string;
      display_name_zh: string | null;
      role_id: string;
      role_name: string;
      reviewer_id: string;
      reviewer_name: string;
      recommendation: 'inactive' | null;
      decision: 'keep' | 'remove' | null;
      reason: string | null;
      decided_at: Date | null;
      last_login_at: Date | null;
    }>(
      `SELECT i.id, i.user_id, u.username, u.display_name_en, u.display_name_zh, i.role_id, ro.name_en AS role_name, i.reviewer_id, rv.username AS reviewer_name,
              i.recommendation, i.decision, i.reason, i.decided_at, u.last_login_at
       FROM access_review_items i JOIN users u ON u.id = i.user_id JOIN roles ro ON ro.id = i.role_id JOIN users rv ON rv.id = i.reviewer_id
       WHERE i.review_id = $1 ORDER BY u.username, ro.name_en`,
      [id],
    );
    return {
      ...view(r),
      items: items.map((i) => ({
        id: i.id,
        userId: i.user_id,
        username: i.username,
        displayName: i.display_name_zh ? `${i.display_name_en} ${i.display_name_zh}` : i.display_name_en,
        roleId: i.role_id,
        roleName: i.role_name,
        reviewerId: i.reviewer_id,
        reviewerName: i.reviewer_name,
        recommendation: i.recommendation,
        decision: i.decision,
        reason: i.reason,
        decidedAt: i.decided_at?.toISOString() ?? null,
        lastLoginAt: i.last_login_at?.toISOString() ?? null,
      })),
    };
  });
}

async function reviewer(q: Queryable, userId: string): Promise<string> {
  const [u] = await q.query<{ id: string; ok: boolean }>(
    `SELECT u.id, EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
                          WHERE ur.user_id = u.id AND rp.permission = 'access_reviews.review') AS ok
     FROM users u WHERE u.id = $1 AND u.status = 'active'`,
    [userId],
  );
  if (!u) throw new AppError('not_found');
  if (!u.ok) throw new AppError('forbidden');
  return u.id;
}

/**
 * Start a campaign over every role (or the chosen ones): one item per person and role, with a
 * recommendation from inactivity (no sign-in for 60 days) and staff status (left, on leave).
 * Nobody reviews their own rights: those items go to a second reviewer.
 */
export async function startReview(d: AuthDeps, a: Actor, b: z.infer<typeof ReviewStartBody>): Promise<string> {
  if (b.dueOn < hkToday(d.clock)) throw new AppError('dates_out_of_order');
  return d.db.schoolTx(a.schoolId, async (q) => {
    const main = await reviewer(q, b.reviewerId ?? a.userId);
    const second = b.secondReviewerId ? await reviewer(q, b.secondReviewerId) : a.userId !== main ? a.userId : null;
    if (b.roleIds.length) {
      const [n] = await q.query<{ n: number }>('SELECT count(*) AS n FROM roles WHERE id = ANY($1)', [b.roleIds]);
      if ((n?.n ?? 0) !== new Set(b.roleIds).size) throw new AppError('not_found');
    }
    if (!second) {
      // The reviewer holds rights in this campaign and nobody else was named to review them.
      const [own] = await q.query('SELECT 1 FROM user_roles WHERE user_id = $1 AND ($2::uuid[] IS NULL OR role_id = ANY($2)) LIMIT 1', [
        main,
        b.roleIds.length ? b.roleIds : null,
      ]);
      if (own) throw new AppError('own_review');
    }
    const [r] = await q.query<{ id: string }>(
      `INSERT INTO access_reviews (school_id, name, role_ids, status, due_on, recurrence_months, created_by, created_at, second_reviewer_id)
       VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8) RETURNING id`,
      [a.schoolId, b.name, b.roleIds.length ? b.roleIds : null, b.dueOn, b.recurrenceMonths, a.userId, d.clock.now(), second],
    );
    if (!r) throw new Error('review not created');
    const inactiveSince = new Date(d.clock.now().getTime() - INACTIVE_DAYS * DAY);
    const items = await q.query<{ user_id: string }>(
      `INSERT INTO access_review_items (school_id, review_id, user_id, role_id, reviewer_id, recommendation)
       SELECT $1, $2, ur.user_id, ur.role_id, CASE WHEN ur.user_id = $4 THEN $5::uuid ELSE $4::uuid END,
              CASE WHEN sf.status = 'left' THEN 'staff_left' WHEN sf.status = 'on_leave' THEN 'staff_on_leave'
                   WHEN coalesce(u.last_login_at, u.created_at) < $6 THEN 'inactive' END
       FROM user_roles ur JOIN users u ON u.id = ur.user_id LEFT JOIN staff sf ON sf.user_id = u.id
       WHERE ($3::uuid[] IS NULL OR ur.role_id = ANY($3)) AND u.status = 'active'
       RETURNING user_id`,
      [a.schoolId, r.id, b.roleIds.length ? b.roleIds : null, main, second, inactiveSince],
    );
    await audit(q, d.clock, {
      ...who(a),
      action: 'access_reviews.started',
      target: `review:${r.id}`,
      details: { name: b.name, items: items.length, dueOn: b.dueOn, reviewer: main },
    });
    return r.id;
  });
}

export async function decide(
  d: AuthDeps,
  a: Actor,
  reviewId: string,
  itemId: string,
  b: z.infer<typeof ReviewDecisionBody>,
): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const [i] = await q.query<{ user_id: string; reviewer_id: string; status: string }>(
      'SELECT i.user_id, i.reviewer_id, r.status FROM access_review_items i JOIN access_reviews r ON r.id = i.review_id WHERE i.id = $1 AND i.review_id = $2 FOR UPDATE OF i',
      [itemId, reviewId],
    );
    if (!i) throw new AppError('not_found');
    if (i.status !== 'open') throw new AppError('conflict');
    if (i.user_id === a.userId) throw new AppError('own_review');
    if (i.reviewer_id !== a.userId) throw new AppError('forbidden');
    await q.query('UPDATE access_review_items SET decision = $2, reason = $3, decided_at = $4, decided_by = $5 WHERE id = $1', [
      itemId,
      b.decision,
      b.reason,
      d.clock.now(),
      a.userId,
    ]);
    await audit(q, d.clock, {
      ...who(a),
      action: 'access_reviews.decided',
      target: `review_item:${itemId}`,
      details: { review: reviewId, user: i.user_id, decision: b.decision, reason: b.reason },
    });
  });
}

/** All decided: apply every removal in one transaction, keep the report, and tell the people whose rights changed. */
export async function completeReview(d: AuthDeps & { sessions: SessionStore }, a: Actor, reviewId: string): Promise<void> {
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    await q.query('SELECT id FROM schools WHERE id = $1 FOR UPDATE', [a.schoolId]);
    const [r] = await q.query<{ status: string; name: string }>('SELECT status, name FROM access_reviews WHERE id = $1 FOR UPDATE', [
      reviewId,
    ]);
    if (!r) throw new AppError('not_found');
    if (r.status !== 'open') throw new AppError('conflict');
    const [open] = await q.query<{ n: number }>('SELECT count(*) AS n FROM access_review_items WHERE review_id = $1 AND decision IS NULL', [
      reviewId,
    ]);
    if ((open?.n ?? 0) > 0) throw new AppError('review_incomplete');
    const removed = await q.query<{ user_id: string; role_id: string }>(
      `DELETE FROM user_roles ur USING access_review_items i
       WHERE i.review_id = $1 AND i.decision = 'remove' AND ur.user_id = i.user_id AND ur.role_id = i.role_id RETURNING ur.user_id, ur.role_id`,
      [reviewId],
    );
    await assertAdminRemains(q);
    const items = await q.query<{
      username: string;
      display_name_en: string;
      display_name_zh: string | null;
      role_en: string;
      role_zh: string;
      recommendation: string | null;
      decision: string;
      reason: string;
      reviewer: string;
      decided_at: Date;
    }>(
      `SELECT u.username, u.display_name_en, u.display_name_zh, ro.name_en AS role_en, ro.name_zh AS role_zh, i.recommendation, i.decision, i.reason, rv.username AS reviewer, i.decided_at
       FROM access_review_items i JOIN users u ON u.id = i.user_id JOIN roles ro ON ro.id = i.role_id JOIN users rv ON rv.id = i.decided_by
       WHERE i.review_id = $1 ORDER BY u.username, ro.name_en`,
      [reviewId],
    );
    // The kept report: both languages in the headers, one row per decision.
    const report = writeCsv(
      [
        'username 用戶名稱',
        'name 姓名',
        'role 角色',
        'recommendation 建議',
        'decision 決定',
        'reason 理由',
        'reviewer 審核人',
        'decided at 決定時間 (UTC)',
      ],
      items.map((i) => [
        i.username,
        `${i.display_name_en} ${i.display_name_zh ?? ''}`.trim(),
        `${i.role_en} ${i.role_zh}`,
        i.recommendation,
        i.decision === 'keep' ? 'keep 保留' : 'remove 撤銷',
        i.reason,
        i.reviewer,
        i.decided_at.toISOString(),
      ]),
    );
    await q.query(`UPDATE access_reviews SET status = 'completed', completed_at = $2, completed_by = $3, report_csv = $4 WHERE id = $1`, [
      reviewId,
      d.clock.now(),
      a.userId,
      report.toString('utf8'),
    ]);
    await audit(q, d.clock, {
      ...who(a),
      action: 'access_reviews.completed',
      target: `review:${reviewId}`,
      details: { name: r.name, items: items.length, removed: removed.length },
    });
    const out: Buffer[] = [];
    for (const userId of new Set(removed.map((x) => x.user_id))) out.push(...(await d.sessions.rightsChanged(q, userId)));
    return out;
  });
  await d.sessions.forget(hashes);
}

export async function reviewReport(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string): Promise<string> {
  const [r] = await d.db.school(schoolId, (q) =>
    q.query<{ report_csv: string | null }>('SELECT report_csv FROM access_reviews WHERE id = $1', [id]),
  );
  if (!r) throw new AppError('not_found');
  if (!r.report_csv) throw new AppError('review_incomplete');
  return r.report_csv;
}

/** The same report as a PDF in both languages, built from the decisions, which cannot change once completed. */
export async function reviewReportPdf(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string): Promise<Buffer> {
  const { rows, review, school } = await d.db.school(schoolId, async (q) => {
    const [review] = await q.query<{ name: string; status: string; completed_at: Date | null; completed_by: string | null }>(
      'SELECT r.name, r.status, r.completed_at, u.username AS completed_by FROM access_reviews r LEFT JOIN users u ON u.id = r.completed_by WHERE r.id = $1',
      [id],
    );
    if (!review) throw new AppError('not_found');
    if (review.status !== 'completed') throw new AppError('review_incomplete');
    const [school] = await q.query<{ name_zh: string; name_en: string }>('SELECT name_zh, name_en FROM schools WHERE id = $1', [schoolId]);
    const rows = await q.query<{
      username: string;
      display_name_en: string;
      display_name_zh: string | null;
      role_en: string;
      role_zh: string;
      recommendation: string | null;
      decision: string;
      reason: string;
      reviewer: string;
      decided_at: Date;
    }>(
      `SELECT u.username, u.display_name_en, u.display_name_zh, ro.name_en AS role_en, ro.name_zh AS role_zh, i.recommendation, i.decision, i.reason, rv.username AS reviewer, i.decided_at
       FROM access_review_items i JOIN users u ON u.id = i.user_id JOIN roles ro ON ro.id = i.role_id JOIN users rv ON rv.id = i.decided_by
       WHERE i.review_id = $1 ORDER BY u.username, ro.name_en`,
      [id],
    );
    return { rows, review, school };
  });
  const REC: Record<string, string> = {
    inactive: '60 日未登入 Inactive 60 days',
    staff_left: '已離職 Left',
    staff_on_leave: '休假中 On leave',
  };
  const hk = (t: Date) => new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
  return pdfTable({
    title: `權限審核報告 Access review report — ${review.name}`,
    subtitle: `${school?.name_zh ?? ''} ${school?.name_en ?? ''} · 完成 Completed ${review.completed_at ? hk(review.completed_at) : ''} (HKT) · ${review.completed_by ?? ''} · ${rows.length} 項 items, ${rows.filter((r) => r.decision === 'remove').length} 項撤銷 removed`,
    headers: [
      '用戶 User',
      '姓名 Name',
      '角色 Role',
      '建議 Recommendation',
      '決定 Decision',
      '理由 Reason',
      '審核人 Reviewer',
      '時間 Time (HKT)',
    ],
    widths: [10, 16, 16, 13, 9, 20, 9, 11],
    rows: rows.map((r) => [
      r.username,
      `${r.display_name_en} ${r.display_name_zh ?? ''}`.trim(),
      `${r.role_en} ${r.role_zh}`,
      r.recommendation ? (REC[r.recommendation] ?? r.recommendation) : '—',
      r.decision === 'keep' ? '保留 Keep' : '撤銷 Remove',
      r.reason,
      r.reviewer,
      hk(r.decided_at),
    ]),
  });
}

/** Memo U1: a completed review within the last 12 months; attention after that, overdue past 13. */
export function registerReviewChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.U1.access-review',
    memo: 'U1',
    owner: 'access_reviews.manage',
    async evaluate({ q, now }): Promise<CheckResult> {
      const [last] = await q.query<{ completed_at: Date | null; open: number }>(
        `SELECT (SELECT max(completed_at) FROM access_reviews WHERE status = 'completed') AS completed_at,
                (SELECT count(*) FROM access_reviews WHERE status = 'open') AS open`,
      );
      const link = '/admin/reviews';
      if (!last?.completed_at)
        return { status: 'attention', summaryKey: 'checks.accessReview.never', params: { open: last?.open ?? 0 }, link };
      const months = (now.getTime() - last.completed_at.getTime()) / (30.44 * DAY);
      const due = new Date(last.completed_at.getTime() + 365 * DAY);
      const params = { date: last.completed_at.toISOString().slice(0, 10), open: last.open };
      if (months <= 12) return { status: 'ok', summaryKey: 'checks.accessReview.ok', params, link, due };
      return { status: months > 13 ? 'overdue' : 'attention', summaryKey: 'checks.accessReview.due', params, link, due };
    },
  });
}

/**
 * Campaigns recur (yearly by default): when the last completed one is `recurrence_months` old and none
 * is open, the next starts by itself with the same scope and reviewers, due in 30 days.
 */
async function startNextIfDue(d: AuthDeps, schoolId: string): Promise<void> {
  const [last] = await d.db.school(schoolId, (q) =>
    q.query<{
      name: string;
      role_ids: string[] | null;
      recurrence_months: number;
      completed_at: Date;
      created_by: string;
      second_reviewer_id: string | null;
      open: number;
      username: string;
    }>(
      `SELECT r.name, r.role_ids, r.recurrence_months, r.completed_at, r.created_by, r.second_reviewer_id, u.username,
              (SELECT count(*) FROM access_reviews o WHERE o.status = 'open') AS open
       FROM access_reviews r JOIN users u ON u.id = r.created_by WHERE r.status = 'completed' ORDER BY r.completed_at DESC LIMIT 1`,
    ),
  );
  if (!last || last.open > 0) return;
  const next = new Date(last.completed_at);
  next.setUTCMonth(next.getUTCMonth() + last.recurrence_months);
  if (d.clock.now() < next) return;
  const due = hongKongDate(new Date(d.clock.now().getTime() + 30 * DAY));
  // The campaign is started on behalf of whoever started the last one, as the audit record says.
  const starter = { schoolId, userId: last.created_by, username: last.username, ip: 'scheduler' } as unknown as Actor;
  await startReview(d, starter, {
    name: `${last.name.replace(/ \(\d{4}-\d{2}-\d{2}\)$/, '')} (${hkToday(d.clock)})`,
    roleIds: last.role_ids ?? [],
    dueOn: due,
    reviewerId: last.created_by,
    ...(last.second_reviewer_id ? { secondReviewerId: last.second_reviewer_id } : {}),
    recurrenceMonths: last.recurrence_months,
  }).catch(async (err) => {
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

/** Remind reviewers of undecided items once a day; escalate to the starter when past the due date; start recurring campaigns. */
export function reviewRemindersJob(d: AuthDeps): Job {
  return {
    name: 'review-reminders',
    everyMs: 60 * 60_000,
    async run({ db }) {
      const today = hkToday(d.clock);
      const schools = await db.system((q) => q.query<{ id: string }>('SELECT id FROM schools'));
      for (const { id } of schools) {
        await startNextIfDue(d, id);
        await db.schoolTx(id, async (q) => {
          const rows = await q.query<{
            review_id: string;
            name: string;
            reviewer_id: string;
            email: string | null;
            n: number;
            due_on: string;
            created_by: string;
          }>(
            `SELECT r.id AS review_id, r.name, i.reviewer_id, u.email, count(*) AS n, r.due_on::text, r.created_by
             FROM access_review_items i JOIN access_reviews r ON r.id = i.review_id JOIN users u ON u.id = i.reviewer_id
             WHERE r.status = 'open' AND i.decision IS NULL GROUP BY r.id, r.name, i.reviewer_id, u.email, r.due_on, r.created_by`,
          );
          for (const r of rows) {
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
                subject: `Access review / 權限審核: ${r.name}`,
                body: `${r.n} decision(s) are waiting for you in "${r.name}", due ${r.due_on}.\n「${r.name}」尚有 ${r.n} 項待你決定，限期 ${r.due_on}。`,
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
      }
    },
  };
}
