import type { Queryable } from '../../../core/db/types.js';

/** A handover plan with the names of the person it is about, its author and its approver. */
export interface PlanRow {
  id: string;
  user_id: string;
  username: string;
  display_name_en: string;
  display_name_zh: string | null;
  reason: 'leaving' | 'duty_change';
  effective_on: string;
  disable_account: boolean;
  status: 'draft' | 'approved' | 'applied' | 'cancelled';
  created_by_name: string;
  approved_by_name: string | null;
  created_by: string;
}

export interface PlanSummaryRow extends PlanRow {
  item_count: number;
  assigned: number;
}

export interface HandoverItemRow {
  id: string;
  kind: string;
  label_en: string;
  label_zh: string;
  successor_id: string | null;
  successor_name: string | null;
}

export interface PlanToApplyRow {
  user_id: string;
  disable_account: boolean;
  status: string;
}

export interface TransferRow {
  kind: string;
  holding_key: string;
  successor_id: string;
}

export interface LeaverRow {
  username: string;
  leave_date: string;
  planned: boolean;
}

const PLAN_COLS = `p.id, p.user_id, u.username, u.display_name_en, u.display_name_zh, p.reason, p.effective_on::text, p.disable_account, p.status, p.created_by,
  cb.username AS created_by_name, ab.username AS approved_by_name`;
const PLAN_FROM =
  'FROM handover_plans p JOIN users u ON u.id = p.user_id JOIN users cb ON cb.id = p.created_by LEFT JOIN users ab ON ab.id = p.approved_by';

// ---- What this module lets people hold ----

export async function listRolesHeld(q: Queryable, userId: string): Promise<{ id: string; name_en: string; name_zh: string }[]> {
  return q.query<{ id: string; name_en: string; name_zh: string }>(
    'SELECT r.id, r.name_en, r.name_zh FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.name_en',
    [userId],
  );
}

/** The successor gets the role (as granted by nobody: the approved plan is the authority), the leaver loses it. */
export async function transferRole(q: Queryable, schoolId: string, roleId: string, from: string, to: string): Promise<void> {
  await q.query(
    'INSERT INTO user_roles (school_id, user_id, role_id, granted_at, granted_by) VALUES ($1, $2, $3, now(), NULL) ON CONFLICT DO NOTHING',
    [schoolId, to, roleId],
  );
  await q.query('DELETE FROM user_roles WHERE user_id = $1 AND role_id = $2', [from, roleId]);
}

export async function listReviewTasks(q: Queryable, userId: string): Promise<{ review_id: string; name: string; n: number }[]> {
  return q.query<{ review_id: string; name: string; n: number }>(
    `SELECT r.id AS review_id, r.name, count(*) AS n FROM access_review_items i JOIN access_reviews r ON r.id = i.review_id
         WHERE i.reviewer_id = $1 AND i.decision IS NULL AND r.status = 'open' GROUP BY r.id, r.name`,
    [userId],
  );
}

/** Undecided items pass to the successor; items about the successor themselves go to the campaign's starter. */
export async function transferReviewTask(q: Queryable, reviewId: string, from: string, to: string): Promise<void> {
  await q.query(
    `UPDATE access_review_items i SET reviewer_id = CASE WHEN i.user_id = $3 THEN r.created_by ELSE $3 END
         FROM access_reviews r WHERE r.id = i.review_id AND i.review_id = $1 AND i.reviewer_id = $2 AND i.decision IS NULL`,
    [reviewId, from, to],
  );
}

export async function listListPlaces(q: Queryable, userId: string): Promise<{ id: string; events: string[] }[]> {
  return q.query<{ id: string; events: string[] }>('SELECT id, events FROM security_recipients WHERE user_id = $1', [userId]);
}

export async function transferListPlace(q: Queryable, recipientId: string, to: string): Promise<void> {
  await q.query('UPDATE security_recipients SET user_id = $2 WHERE id = $1', [recipientId, to]);
}

// ---- Plans ----

export async function listPlans(q: Queryable): Promise<PlanSummaryRow[]> {
  return q.query<PlanSummaryRow>(
    `SELECT ${PLAN_COLS}, (SELECT count(*) FROM handover_items i WHERE i.plan_id = p.id) AS item_count,
              (SELECT count(*) FROM handover_items i WHERE i.plan_id = p.id AND i.successor_id IS NOT NULL) AS assigned
       ${PLAN_FROM} ORDER BY p.effective_on DESC LIMIT 200`,
  );
}

/** One plan; `lock` holds it for the rest of the transaction. */
export async function findPlan(q: Queryable, id: string, lock = false): Promise<PlanRow | undefined> {
  const [p] = await q.query<PlanRow>(`SELECT ${PLAN_COLS} ${PLAN_FROM} WHERE p.id = $1${lock ? ' FOR UPDATE OF p' : ''}`, [id]);
  return p;
}

export async function listPlanItems(q: Queryable, planId: string): Promise<HandoverItemRow[]> {
  return q.query<HandoverItemRow>(
    'SELECT i.id, i.kind, i.label_en, i.label_zh, i.successor_id, s.username AS successor_name FROM handover_items i LEFT JOIN users s ON s.id = i.successor_id WHERE i.plan_id = $1 ORDER BY i.kind, i.label_en',
    [planId],
  );
}

export interface NewPlan {
  schoolId: string;
  userId: string;
  reason: 'leaving' | 'duty_change';
  effectiveOn: string;
  disableAccount: boolean;
  createdBy: string;
  at: Date;
}

export async function insertPlan(q: Queryable, p: NewPlan): Promise<{ id: string } | undefined> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO handover_plans (school_id, user_id, reason, effective_on, disable_account, status, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7) RETURNING id`,
    [p.schoolId, p.userId, p.reason, p.effectiveOn, p.disableAccount, p.createdBy, p.at],
  );
  return row;
}

export async function insertPlanItem(
  q: Queryable,
  i: { schoolId: string; planId: string; kind: string; key: string; labelEn: string; labelZh: string },
): Promise<void> {
  await q.query('INSERT INTO handover_items (school_id, plan_id, kind, holding_key, label_en, label_zh) VALUES ($1, $2, $3, $4, $5, $6)', [
    i.schoolId,
    i.planId,
    i.kind,
    i.key,
    i.labelEn,
    i.labelZh,
  ]);
}

/** Returns whether the item belongs to the plan (and so was updated). */
export async function setItemSuccessor(q: Queryable, planId: string, itemId: string, successorId: string): Promise<boolean> {
  const upd = await q.query('UPDATE handover_items SET successor_id = $3 WHERE id = $1 AND plan_id = $2 RETURNING id', [
    itemId,
    planId,
    successorId,
  ]);
  return upd.length > 0;
}

export async function countUnassigned(q: Queryable, planId: string): Promise<number> {
  const [open] = await q.query<{ n: number }>('SELECT count(*) AS n FROM handover_items WHERE plan_id = $1 AND successor_id IS NULL', [
    planId,
  ]);
  return open?.n ?? 0;
}

export async function markApproved(q: Queryable, planId: string, by: string, at: Date): Promise<void> {
  await q.query(`UPDATE handover_plans SET status = 'approved', approved_by = $2, approved_at = $3 WHERE id = $1`, [planId, by, at]);
}

// ---- Applying on the day ----

export async function listDuePlanIds(q: Queryable, today: string): Promise<string[]> {
  return (await q.query<{ id: string }>(`SELECT id FROM handover_plans WHERE status = 'approved' AND effective_on <= $1`, [today])).map(
    (p) => p.id,
  );
}

export async function lockPlanToApply(q: Queryable, id: string): Promise<PlanToApplyRow | undefined> {
  const [p] = await q.query<PlanToApplyRow>('SELECT user_id, disable_account, status FROM handover_plans WHERE id = $1 FOR UPDATE', [id]);
  return p;
}

export async function listTransfers(q: Queryable, planId: string): Promise<TransferRow[]> {
  return q.query<TransferRow>('SELECT kind, holding_key, successor_id FROM handover_items WHERE plan_id = $1', [planId]);
}

export async function markApplied(q: Queryable, planId: string, at: Date): Promise<void> {
  await q.query(`UPDATE handover_plans SET status = 'applied', applied_at = $2 WHERE id = $1`, [planId, at]);
}

/** Memo U3: active staff leaving by the horizon date, and whether each has an approved (or applied) plan. */
export async function listLeavers(q: Queryable, horizon: string): Promise<LeaverRow[]> {
  return q.query<LeaverRow>(
    `SELECT u.username, sf.leave_date::text,
                EXISTS (SELECT 1 FROM handover_plans p WHERE p.user_id = u.id AND p.status IN ('approved', 'applied')) AS planned
         FROM staff sf JOIN users u ON u.id = sf.user_id
         WHERE sf.leave_date IS NOT NULL AND sf.leave_date <= $1 AND u.status = 'active'`,
    [horizon],
  );
}
