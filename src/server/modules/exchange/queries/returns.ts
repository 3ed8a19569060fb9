import type { Queryable } from '../../../core/db/types.js';
import type { Generated } from '../../school/service.js';
import type { CorrectedRowValue } from './corrections.js';
import type { RowProblem } from '../rules.js';
import type { ReturnStateKey, TemplateKindKey } from '../types.js';

/** The school's returns (`exchange_returns`): one per amendment of a delivery, moving draft → … → received. */

export interface ReturnRow {
  id: string;
  delivery_id: string;
  amendment: number;
  state: ReturnStateKey;
  kind: TemplateKindKey;
  data: Generated;
  problems: RowProblem[];
  prepared_by: string | null;
  approved_by: string | null;
  reject_reason: string | null;
  failure: string | null;
  package_hash: string | null;
  receipt_hash: string | null;
  version: number;
  /** Rows corrected by hand since the return was generated. */
  corrections: CorrectedRowValue[];
}

export async function findReturn(q: Queryable, id: string, lock = false): Promise<ReturnRow | undefined> {
  const [r] = await q.query<ReturnRow>(
    `SELECT id, delivery_id, amendment, state, kind, data, problems, prepared_by, approved_by, reject_reason, failure, package_hash, receipt_hash, version, corrections
     FROM exchange_returns WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return r;
}

export interface LatestReturnRow {
  id: string;
  state: ReturnStateKey;
  amendment: number;
}

/** The delivery's latest amendment, locked. */
export async function lockLatestReturn(q: Queryable, deliveryId: string): Promise<LatestReturnRow | undefined> {
  const [r] = await q.query<LatestReturnRow>(
    'SELECT id, state, amendment FROM exchange_returns WHERE delivery_id = $1 ORDER BY amendment DESC LIMIT 1 FOR UPDATE',
    [deliveryId],
  );
  return r;
}

export interface LatestReturnDataRow extends LatestReturnRow {
  kind: TemplateKindKey;
  data: Generated;
  problems: RowProblem[];
}

/** The delivery's latest amendment with its data (an amendment starts from it), locked. */
export async function lockLatestReturnData(q: Queryable, deliveryId: string): Promise<LatestReturnDataRow | undefined> {
  const [r] = await q.query<LatestReturnDataRow>(
    'SELECT id, state, amendment, kind, data, problems FROM exchange_returns WHERE delivery_id = $1 ORDER BY amendment DESC LIMIT 1 FOR UPDATE',
    [deliveryId],
  );
  return r;
}

export interface PreviousEnrolmentRow {
  data: Generated;
  reference_date: string | null;
  delivered_at: Date;
}

/**
 * The last enrolment return the authority received for an earlier survey than the one of
 * `deliveryId` (reference date, or Hong Kong delivery date, before `refDate`).
 */
export async function findPreviousEnrolment(q: Queryable, deliveryId: string, refDate: string): Promise<PreviousEnrolmentRow | undefined> {
  const [prev] = await q.query<PreviousEnrolmentRow>(
    `SELECT r.data, dl.reference_date::text, dl.delivered_at FROM exchange_returns r JOIN exchange_deliveries dl ON dl.id = r.delivery_id
         WHERE r.state = 'received' AND r.kind = 'enrolment' AND r.delivery_id <> $1 AND coalesce(dl.reference_date, (dl.delivered_at AT TIME ZONE 'Asia/Hong_Kong')::date) < $2::date
         ORDER BY coalesce(dl.reference_date, (dl.delivered_at AT TIME ZONE 'Asia/Hong_Kong')::date) DESC, r.amendment DESC LIMIT 1`,
    [deliveryId, refDate],
  );
  return prev;
}

/** Generated again: back to draft with the new data, a new version, and no failure. */
export async function redraftReturn(
  q: Queryable,
  id: string,
  data: Generated,
  problems: RowProblem[],
  by: string,
  at: Date,
): Promise<void> {
  await q.query(
    `UPDATE exchange_returns SET state = 'draft', data = $2, problems = $3, prepared_by = $4, updated_at = $5, version = version + 1, failure = NULL, corrections = '[]' WHERE id = $1`,
    [id, data, JSON.stringify(problems), by, at],
  );
}

export interface NewReturn {
  schoolId: string;
  deliveryId: string;
  kind: TemplateKindKey;
  data: Generated;
  problems: RowProblem[];
  preparedBy: string;
  at: Date;
}

/** The first draft of a delivery's return (amendment 0). */
export async function insertFirstReturn(q: Queryable, r: NewReturn): Promise<string> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO exchange_returns (school_id, delivery_id, amendment, state, kind, data, problems, prepared_by, created_at, updated_at) VALUES ($1, $2, 0, 'draft', $3, $4, $5, $6, $7, $7) RETURNING id`,
    [r.schoolId, r.deliveryId, r.kind, r.data, JSON.stringify(r.problems), r.preparedBy, r.at],
  );
  return row?.id ?? '';
}

/** A new draft for amendment `amendment`, starting from the received data. */
export async function insertAmendment(q: Queryable, r: NewReturn & { amendment: number }): Promise<string | undefined> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO exchange_returns (school_id, delivery_id, amendment, state, kind, data, problems, prepared_by, created_at, updated_at) VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $8) RETURNING id`,
    [r.schoolId, r.deliveryId, r.amendment, r.kind, r.data, JSON.stringify(r.problems), r.preparedBy, r.at],
  );
  return row?.id;
}

export interface ReturnPeopleRow {
  prepared: string | null;
  approved: string | null;
  checker_id: string | null;
  checker: string | null;
}

/** Who prepared and approved the return, and its task's checker, by name. */
export async function findReturnPeople(q: Queryable, id: string): Promise<ReturnPeopleRow | undefined> {
  const [people] = await q.query<ReturnPeopleRow>(
    `SELECT coalesce(up.display_name_zh, up.display_name_en) AS prepared, coalesce(ua.display_name_zh, ua.display_name_en) AS approved, t.checker_id, coalesce(uc.display_name_zh, uc.display_name_en) AS checker
       FROM exchange_returns r JOIN exchange_tasks t ON t.delivery_id = r.delivery_id LEFT JOIN users up ON up.id = r.prepared_by
       LEFT JOIN users ua ON ua.id = r.approved_by LEFT JOIN users uc ON uc.id = t.checker_id WHERE r.id = $1`,
    [id],
  );
  return people;
}

/** Corrected by hand: new data, back to draft, a new version. */
export async function updateReturnData(q: Queryable, id: string, data: Generated, problems: RowProblem[], at: Date): Promise<void> {
  await q.query(
    `UPDATE exchange_returns SET data = $2, problems = $3, state = 'draft', updated_at = $4, version = version + 1 WHERE id = $1`,
    [id, data, JSON.stringify(problems), at],
  );
}

export async function setReturnState(q: Queryable, id: string, state: ReturnStateKey, at: Date): Promise<void> {
  await q.query('UPDATE exchange_returns SET state = $2, updated_at = $3 WHERE id = $1', [id, state, at]);
}

export async function setRejectReason(q: Queryable, id: string, reason: string): Promise<void> {
  await q.query('UPDATE exchange_returns SET reject_reason = $2 WHERE id = $1', [id, reason]);
}

export async function setReturnApproved(q: Queryable, id: string, approvedBy: string, packageHash: string): Promise<void> {
  await q.query('UPDATE exchange_returns SET approved_by = $2, package_hash = $3 WHERE id = $1', [id, approvedBy, packageHash]);
}

export async function setReturnReceipt(q: Queryable, id: string, receiptHash: string | null): Promise<void> {
  await q.query('UPDATE exchange_returns SET receipt_hash = $2 WHERE id = $1', [id, receiptHash]);
}

export async function setReturnFailure(q: Queryable, id: string, reason: string | null): Promise<void> {
  await q.query('UPDATE exchange_returns SET failure = $2 WHERE id = $1', [id, reason]);
}

export interface AnsweredReturnRow {
  id: string;
  delivery_id: string;
  state: ReturnStateKey;
  /** The latest package's state: `received` or `refused`. */
  pstate: 'received' | 'refused';
  refused_reason: string | null;
  receipt_hash: string | null;
  ref_no: string;
}

/** The school's sent returns whose latest package the authority has answered, locked. */
export async function lockAnsweredReturns(q: Queryable): Promise<AnsweredReturnRow[]> {
  return q.query<AnsweredReturnRow>(
    `SELECT r.id, r.delivery_id, r.state, p.state AS pstate, p.refused_reason, dl.receipt_hash, dl.ref_no FROM exchange_returns r
       JOIN exchange_packages p ON p.id = (SELECT x.id FROM exchange_packages x WHERE x.return_id = r.id ORDER BY x.attempt DESC LIMIT 1)
       JOIN exchange_deliveries dl ON dl.id = r.delivery_id
       WHERE r.state = 'sent' AND p.state <> 'sent' AND r.school_id = app_school() FOR UPDATE OF r`,
  );
}

export interface ReturnSummaryRow {
  id: string;
  amendment: number;
  state: ReturnStateKey;
  updated_at: Date;
  package_hash: string | null;
  receipt_hash: string | null;
}

/** Every amendment of a delivery's return, latest first. */
export async function listDeliveryReturns(q: Queryable, deliveryId: string): Promise<ReturnSummaryRow[]> {
  return q.query<ReturnSummaryRow>(
    'SELECT id, amendment, state, updated_at, package_hash, receipt_hash FROM exchange_returns WHERE delivery_id = $1 ORDER BY amendment DESC',
    [deliveryId],
  );
}
