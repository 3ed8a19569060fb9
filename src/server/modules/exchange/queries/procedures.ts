import type { Queryable } from '../../../core/db/types.js';
import type { CategoryKey } from '../types.js';

/** The school's procedure per category (memo O1): who prepares, who stands in, who checks; and its yearly review. */

export interface ProcedureRow {
  category: CategoryKey;
  owner_id: string | null;
  owner: string | null;
  backup_id: string | null;
  backup: string | null;
  checker_id: string | null;
  checker: string | null;
  lead_days: number;
  notes: string | null;
}

export async function listProcedureRows(q: Queryable): Promise<ProcedureRow[]> {
  return q.query<ProcedureRow>(
    `SELECT p.category, p.owner_id, coalesce(uo.display_name_zh, uo.display_name_en) AS owner, p.backup_id, coalesce(ub.display_name_zh, ub.display_name_en) AS backup,
              p.checker_id, coalesce(uc.display_name_zh, uc.display_name_en) AS checker, p.lead_days, p.notes
       FROM exchange_procedures p LEFT JOIN users uo ON uo.id = p.owner_id LEFT JOIN users ub ON ub.id = p.backup_id LEFT JOIN users uc ON uc.id = p.checker_id`,
  );
}

/** The procedure as stored (recorded in the audit as the state before a change). */
export interface ProcedureAssignmentRow {
  owner_id: string | null;
  backup_id: string | null;
  checker_id: string | null;
  lead_days: number;
}

export async function findProcedure(q: Queryable, category: CategoryKey): Promise<ProcedureAssignmentRow | undefined> {
  const [p] = await q.query<ProcedureAssignmentRow>(
    'SELECT owner_id, backup_id, checker_id, lead_days FROM exchange_procedures WHERE category = $1',
    [category],
  );
  return p;
}

export interface ProcedureInput {
  ownerId: string | null;
  backupId: string | null;
  checkerId: string | null;
  leadDays: number;
  notes: string | null;
}

export async function upsertProcedure(q: Queryable, schoolId: string, category: CategoryKey, p: ProcedureInput, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO exchange_procedures (school_id, category, owner_id, backup_id, checker_id, lead_days, notes, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (school_id, category) DO UPDATE SET owner_id = $3, backup_id = $4, checker_id = $5, lead_days = $6, notes = $7, updated_at = $8`,
    [schoolId, category, p.ownerId, p.backupId, p.checkerId, p.leadDays, p.notes, at],
  );
}

export interface ProceduresReviewRow {
  at: Date | null;
  by: string | null;
}

/** When the procedures were last reviewed, and by whom (username). */
export async function findProceduresReview(q: Queryable, schoolId: string): Promise<ProceduresReviewRow | undefined> {
  const [s] = await q.query<ProceduresReviewRow>(
    'SELECT s.procedures_reviewed_at AS at, u.username AS by FROM schools s LEFT JOIN users u ON u.id = s.procedures_reviewed_by WHERE s.id = $1',
    [schoolId],
  );
  return s;
}

export async function setProceduresReviewed(q: Queryable, schoolId: string, at: Date, by: string): Promise<void> {
  await q.query('UPDATE schools SET procedures_reviewed_at = $2, procedures_reviewed_by = $3 WHERE id = $1', [schoolId, at, by]);
}

export interface ProceduresStatusRow {
  at: Date | null;
}

/** When the procedures were last reviewed (who fills each duty, and whether they may, is `listDutyHolders`). */
export async function findProceduresStatus(q: Queryable, schoolId: string): Promise<ProceduresStatusRow | undefined> {
  const [s] = await q.query<ProceduresStatusRow>('SELECT procedures_reviewed_at AS at FROM schools WHERE id = $1', [schoolId]);
  return s;
}
