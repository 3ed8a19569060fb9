import type { Queryable } from '../../../core/db/types.js';

/** An item of a campaign as a bulk decision weighs it. */
export interface BulkItemRow {
  id: string;
  user_id: string;
  reviewer_id: string;
  role_id: string;
  recommendation: string | null;
  decided: boolean;
}

/** A batch of decisions with its campaign's state, for an undo. */
export interface BatchToUndoRow {
  decided_by: string;
  undone_at: Date | null;
  status: string;
}

/** A batch that still decides some items, as the review page lists it. */
export interface BatchRow {
  id: string;
  decision: 'keep' | 'remove';
  reason: string;
  selection: { recommendation?: string; roleId?: string; items?: number };
  decided_by: string;
  decided_by_name: string;
  decided_at: Date;
  items: number;
}

/** The item and the person it is about, as each decision's audit record names them. */
export interface DecidedItemRow {
  id: string;
  user_id: string;
}

/** Every item of the campaign, locked: a bulk decision and a single one on the same item wait for each other. */
export async function lockItemsForBulk(q: Queryable, reviewId: string): Promise<BulkItemRow[]> {
  return q.query<BulkItemRow>(
    `SELECT id, user_id, reviewer_id, role_id, recommendation, decision IS NOT NULL AS decided
       FROM access_review_items WHERE review_id = $1 ORDER BY id FOR UPDATE`,
    [reviewId],
  );
}

export interface NewBatch {
  schoolId: string;
  reviewId: string;
  decidedBy: string;
  at: Date;
  decision: 'keep' | 'remove';
  reason: string;
  selection: BatchRow['selection'];
  items: number;
}

export async function insertBatch(q: Queryable, b: NewBatch): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO access_review_batches (school_id, review_id, decided_by, decided_at, decision, reason, selection, items)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [b.schoolId, b.reviewId, b.decidedBy, b.at, b.decision, b.reason, JSON.stringify(b.selection), b.items],
  );
  if (!r) throw new Error('batch not created');
  return r.id;
}

/** The batch's decision on each of these items. */
export async function recordBatchDecisions(
  q: Queryable,
  itemIds: readonly string[],
  d: { batchId: string; decision: 'keep' | 'remove'; reason: string; at: Date; by: string },
): Promise<DecidedItemRow[]> {
  return q.query<DecidedItemRow>(
    `UPDATE access_review_items SET decision = $2, reason = $3, decided_at = $4, decided_by = $5, batch_id = $6
       WHERE id = ANY($1::uuid[]) RETURNING id, user_id`,
    [itemIds, d.decision, d.reason, d.at, d.by, d.batchId],
  );
}

export async function lockBatch(q: Queryable, reviewId: string, batchId: string): Promise<BatchToUndoRow | undefined> {
  const [b] = await q.query<BatchToUndoRow>(
    `SELECT b.decided_by, b.undone_at, r.status FROM access_review_batches b JOIN access_reviews r ON r.id = b.review_id
       WHERE b.id = $1 AND b.review_id = $2 FOR UPDATE OF b, r`,
    [batchId, reviewId],
  );
  return b;
}

/** The items this batch still decides go back to undecided (an item decided again since keeps that later decision). */
export async function clearBatchDecisions(q: Queryable, batchId: string): Promise<DecidedItemRow[]> {
  return q.query<DecidedItemRow>(
    `UPDATE access_review_items SET decision = NULL, reason = NULL, decided_at = NULL, decided_by = NULL, batch_id = NULL
       WHERE batch_id = $1 RETURNING id, user_id`,
    [batchId],
  );
}

export async function markBatchUndone(q: Queryable, batchId: string, at: Date, by: string): Promise<void> {
  await q.query('UPDATE access_review_batches SET undone_at = $2, undone_by = $3 WHERE id = $1', [batchId, at, by]);
}

/** Batches not undone that still decide at least one item, newest first. */
export async function listBatches(q: Queryable, reviewId: string): Promise<BatchRow[]> {
  return q.query<BatchRow>(
    `SELECT b.id, b.decision, b.reason, b.selection, b.decided_by, u.username AS decided_by_name, b.decided_at, count(i.id) AS items
       FROM access_review_batches b JOIN users u ON u.id = b.decided_by JOIN access_review_items i ON i.batch_id = b.id
       WHERE b.review_id = $1 AND b.undone_at IS NULL
       GROUP BY b.id, u.username ORDER BY b.decided_at DESC, b.id LIMIT 50`,
    [reviewId],
  );
}

/** People who would still hold every one of `permissions` once the campaign's removals are applied. */
export async function countFullHoldersAfterRemovals(q: Queryable, reviewId: string, permissions: readonly string[]): Promise<number> {
  const [r] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM (
       SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
       WHERE rp.permission = ANY($2) AND u.status = 'active'
         AND NOT EXISTS (SELECT 1 FROM access_review_items i
                          WHERE i.review_id = $1 AND i.decision = 'remove' AND i.user_id = ur.user_id AND i.role_id = ur.role_id)
       GROUP BY u.id HAVING count(DISTINCT rp.permission) = $3) full_admins`,
    [reviewId, permissions, permissions.length],
  );
  return r?.n ?? 0;
}
