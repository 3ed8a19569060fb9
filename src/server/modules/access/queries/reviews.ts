import type { Queryable } from '../../../core/db/types.js';

export type Recommendation = 'inactive' | 'staff_left' | 'staff_on_leave';

/** A campaign with its counts of items, decisions and removals. */
export interface ReviewRow {
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

/** One person's role in a campaign, with who decides it and what they decided. */
export interface ReviewItemRow {
  id: string;
  user_id: string;
  username: string;
  display_name_en: string;
  display_name_zh: string | null;
  role_id: string;
  role_name: string;
  reviewer_id: string;
  reviewer_name: string;
  role_key: string | null;
  role_name_zh: string;
  reviewer_display_en: string;
  reviewer_display_zh: string | null;
  recommendation: Recommendation | null;
  decision: 'keep' | 'remove' | null;
  reason: string | null;
  decided_at: Date | null;
  last_login_at: Date | null;
  batch_id: string | null;
}

/** A decision as the kept report shows it. */
export interface DecisionRow {
  username: string;
  display_name_en: string;
  display_name_zh: string | null;
  role_en: string;
  role_zh: string;
  recommendation: Recommendation | null;
  decision: 'keep' | 'remove';
  reason: string;
  reviewer: string;
  decided_at: Date;
}

/** An item and its campaign's state, for a reviewer's decision. */
export interface ItemToDecideRow {
  user_id: string;
  reviewer_id: string;
  status: string;
}

export interface CompletedReviewRow {
  name: string;
  status: string;
  completed_at: Date | null;
  completed_by: string | null;
}

/** The latest completed campaign, which the next recurring one copies, and how many are open. */
export interface LastCampaignRow {
  name: string;
  role_ids: string[] | null;
  recurrence_months: number;
  completed_at: Date;
  created_by: string;
  second_reviewer_id: string | null;
  open: number;
  /** The last campaign's starter (the join keeps campaigns whose starter exists). */
  username: string;
}

/** Undecided items per campaign and reviewer, for the daily reminder. */
export interface PendingRow {
  review_id: string;
  name: string;
  reviewer_id: string;
  email: string | null;
  n: number;
  due_on: string;
  created_by: string;
}

export interface AccessReviewStateRow {
  completed_at: Date | null;
  open: number;
}

const REVIEW_COLS = `r.id, r.name, r.status, r.due_on::text, r.created_at, r.completed_at, r.recurrence_months,
  (SELECT count(*) FROM access_review_items i WHERE i.review_id = r.id) AS total,
  (SELECT count(*) FROM access_review_items i WHERE i.review_id = r.id AND i.decision IS NOT NULL) AS decided,
  (SELECT count(*) FROM access_review_items i WHERE i.review_id = r.id AND i.decision = 'remove') AS removals`;

export async function listReviews(q: Queryable): Promise<ReviewRow[]> {
  return q.query<ReviewRow>(`SELECT ${REVIEW_COLS} FROM access_reviews r ORDER BY r.created_at DESC LIMIT 100`);
}

export async function findReview(q: Queryable, id: string): Promise<ReviewRow | undefined> {
  const [r] = await q.query<ReviewRow>(`SELECT ${REVIEW_COLS} FROM access_reviews r WHERE r.id = $1`, [id]);
  return r;
}

export async function listReviewItems(q: Queryable, reviewId: string): Promise<ReviewItemRow[]> {
  return q.query<ReviewItemRow>(
    `SELECT i.id, i.user_id, u.username, u.display_name_en, u.display_name_zh, i.role_id, ro.name_en AS role_name, i.reviewer_id, rv.username AS reviewer_name,
              ro.template_key AS role_key, ro.name_zh AS role_name_zh, rv.display_name_en AS reviewer_display_en, rv.display_name_zh AS reviewer_display_zh,
              i.recommendation, i.decision, i.reason, i.decided_at, u.last_login_at, i.batch_id
       FROM access_review_items i JOIN users u ON u.id = i.user_id JOIN roles ro ON ro.id = i.role_id JOIN users rv ON rv.id = i.reviewer_id
       WHERE i.review_id = $1 ORDER BY u.username, ro.name_en`,
    [reviewId],
  );
}

/** An active account and whether it may review (holds `access_reviews.review`). */
export async function findReviewer(q: Queryable, userId: string): Promise<{ id: string; ok: boolean } | undefined> {
  const [u] = await q.query<{ id: string; ok: boolean }>(
    `SELECT u.id, EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
                          WHERE ur.user_id = u.id AND rp.permission = 'access_reviews.review') AS ok
     FROM users u WHERE u.id = $1 AND u.status = 'active'`,
    [userId],
  );
  return u;
}

/** Whether the person holds any role the campaign covers (null: every role). */
export async function holdsRoleIn(q: Queryable, userId: string, roleIds: string[] | null): Promise<boolean> {
  const [own] = await q.query('SELECT 1 FROM user_roles WHERE user_id = $1 AND ($2::uuid[] IS NULL OR role_id = ANY($2)) LIMIT 1', [
    userId,
    roleIds,
  ]);
  return !!own;
}

/** How many items a campaign over these roles (null: every role) would have: one per active person and role. */
export async function countItemsInScope(q: Queryable, roleIds: string[] | null): Promise<number> {
  const [r] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM user_roles ur JOIN users u ON u.id = ur.user_id
       WHERE ($1::uuid[] IS NULL OR ur.role_id = ANY($1)) AND u.status = 'active'`,
    [roleIds],
  );
  return r?.n ?? 0;
}

export interface NewCampaign {
  schoolId: string;
  name: string;
  roleIds: string[] | null;
  dueOn: string;
  recurrenceMonths: number;
  createdBy: string;
  at: Date;
  secondReviewerId: string | null;
}

export async function insertReview(q: Queryable, c: NewCampaign): Promise<{ id: string } | undefined> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO access_reviews (school_id, name, role_ids, status, due_on, recurrence_months, created_by, created_at, second_reviewer_id)
       VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8) RETURNING id`,
    [c.schoolId, c.name, c.roleIds, c.dueOn, c.recurrenceMonths, c.createdBy, c.at, c.secondReviewerId],
  );
  return r;
}

/**
 * One item per active person and role in scope, with a recommendation from staff status and
 * inactivity. The reviewer's own items go to the second reviewer. Returns how many were made.
 */
export async function insertReviewItems(
  q: Queryable,
  i: {
    schoolId: string;
    reviewId: string;
    roleIds: string[] | null;
    reviewerId: string;
    secondReviewerId: string | null;
    inactiveSince: Date;
  },
): Promise<number> {
  const items = await q.query<{ user_id: string }>(
    `INSERT INTO access_review_items (school_id, review_id, user_id, role_id, reviewer_id, recommendation)
       SELECT $1, $2, ur.user_id, ur.role_id, CASE WHEN ur.user_id = $4 THEN $5::uuid ELSE $4::uuid END,
              CASE WHEN sf.status = 'left' THEN 'staff_left' WHEN sf.status = 'on_leave' THEN 'staff_on_leave'
                   WHEN coalesce(u.last_login_at, u.created_at) < $6 THEN 'inactive' END
       FROM user_roles ur JOIN users u ON u.id = ur.user_id LEFT JOIN staff sf ON sf.user_id = u.id
       WHERE ($3::uuid[] IS NULL OR ur.role_id = ANY($3)) AND u.status = 'active'
       RETURNING user_id`,
    [i.schoolId, i.reviewId, i.roleIds, i.reviewerId, i.secondReviewerId, i.inactiveSince],
  );
  return items.length;
}

export async function lockItemToDecide(q: Queryable, reviewId: string, itemId: string): Promise<ItemToDecideRow | undefined> {
  const [i] = await q.query<ItemToDecideRow>(
    'SELECT i.user_id, i.reviewer_id, r.status FROM access_review_items i JOIN access_reviews r ON r.id = i.review_id WHERE i.id = $1 AND i.review_id = $2 FOR UPDATE OF i',
    [itemId, reviewId],
  );
  return i;
}

export async function lockReview(q: Queryable, id: string): Promise<{ status: string; name: string } | undefined> {
  const [r] = await q.query<{ status: string; name: string }>('SELECT status, name FROM access_reviews WHERE id = $1 FOR UPDATE', [id]);
  return r;
}

export async function countUndecided(q: Queryable, reviewId: string): Promise<number> {
  const [open] = await q.query<{ n: number }>('SELECT count(*) AS n FROM access_review_items WHERE review_id = $1 AND decision IS NULL', [
    reviewId,
  ]);
  return open?.n ?? 0;
}

/** Every "remove" decision applied at once; returns the memberships taken away. */
export async function applyRemovals(q: Queryable, reviewId: string): Promise<{ user_id: string; role_id: string }[]> {
  return q.query<{ user_id: string; role_id: string }>(
    `DELETE FROM user_roles ur USING access_review_items i
       WHERE i.review_id = $1 AND i.decision = 'remove' AND ur.user_id = i.user_id AND ur.role_id = i.role_id RETURNING ur.user_id, ur.role_id`,
    [reviewId],
  );
}

export async function listDecisions(q: Queryable, reviewId: string): Promise<DecisionRow[]> {
  return q.query<DecisionRow>(
    `SELECT u.username, u.display_name_en, u.display_name_zh, ro.name_en AS role_en, ro.name_zh AS role_zh, i.recommendation, i.decision, i.reason, rv.username AS reviewer, i.decided_at
       FROM access_review_items i JOIN users u ON u.id = i.user_id JOIN roles ro ON ro.id = i.role_id JOIN users rv ON rv.id = i.decided_by
       WHERE i.review_id = $1 ORDER BY u.username, ro.name_en`,
    [reviewId],
  );
}

export async function markCompleted(q: Queryable, reviewId: string, c: { at: Date; by: string; reportCsv: string }): Promise<void> {
  await q.query(`UPDATE access_reviews SET status = 'completed', completed_at = $2, completed_by = $3, report_csv = $4 WHERE id = $1`, [
    reviewId,
    c.at,
    c.by,
    c.reportCsv,
  ]);
}

export async function findReportCsv(q: Queryable, id: string): Promise<{ report_csv: string | null } | undefined> {
  const [r] = await q.query<{ report_csv: string | null }>('SELECT report_csv FROM access_reviews WHERE id = $1', [id]);
  return r;
}

export async function findCompletion(q: Queryable, id: string): Promise<CompletedReviewRow | undefined> {
  const [r] = await q.query<CompletedReviewRow>(
    'SELECT r.name, r.status, r.completed_at, u.username AS completed_by FROM access_reviews r LEFT JOIN users u ON u.id = r.completed_by WHERE r.id = $1',
    [id],
  );
  return r;
}

export async function findLastCampaign(q: Queryable): Promise<LastCampaignRow | undefined> {
  const [last] = await q.query<LastCampaignRow>(
    `SELECT r.name, r.role_ids, r.recurrence_months, r.completed_at, r.created_by, r.second_reviewer_id, u.username,
              (SELECT count(*) FROM access_reviews o WHERE o.status = 'open') AS open
       FROM access_reviews r JOIN users u ON u.id = r.created_by WHERE r.status = 'completed' ORDER BY r.completed_at DESC LIMIT 1`,
  );
  return last;
}

export async function listPending(q: Queryable): Promise<PendingRow[]> {
  return q.query<PendingRow>(
    `SELECT r.id AS review_id, r.name, i.reviewer_id, u.email, count(*) AS n, r.due_on::text, r.created_by
             FROM access_review_items i JOIN access_reviews r ON r.id = i.review_id JOIN users u ON u.id = i.reviewer_id
             WHERE r.status = 'open' AND i.decision IS NULL GROUP BY r.id, r.name, i.reviewer_id, u.email, r.due_on, r.created_by`,
  );
}

/** Memo U1: when the last campaign was completed, and how many are open. */
export async function findAccessReviewState(q: Queryable): Promise<AccessReviewStateRow | undefined> {
  const [last] = await q.query<AccessReviewStateRow>(
    `SELECT (SELECT max(completed_at) FROM access_reviews WHERE status = 'completed') AS completed_at,
                (SELECT count(*) FROM access_reviews WHERE status = 'open') AS open`,
  );
  return last;
}
