import type { Queryable } from '../../../../core/db/types.js';
import type { Severity } from '../policy.js';

/** The stored findings, the runs of the checks and the daily posture. */

export interface FindingRow {
  id: string;
  check_key: string;
  subject: string;
  severity: Severity;
  owner: string;
  params: Record<string, string | number>;
  status: 'open' | 'accepted' | 'fixed';
  first_seen_at: Date;
  last_seen_at: Date;
  fixed_at: Date | null;
  accepted_reason: string | null;
  accepted_until: Date | null;
  accepted_at: Date | null;
  accepted_by_name: string | null;
  reviewed_at: Date | null;
  reviewed_by_name: string | null;
}

const FINDING = `f.id, f.check_key, f.subject, f.severity, f.owner, f.params, f.status, f.first_seen_at, f.last_seen_at, f.fixed_at,
  f.accepted_reason, f.accepted_until, f.accepted_at, coalesce(a.display_name_zh || ' ' || a.display_name_en, a.display_name_en) AS accepted_by_name, f.reviewed_at, coalesce(r.display_name_zh || ' ' || r.display_name_en, r.display_name_en) AS reviewed_by_name`;
const FROM = 'security_findings f LEFT JOIN users a ON a.id = f.accepted_by LEFT JOIN users r ON r.id = f.reviewed_by';

/** The school's findings, open first, then by severity and how recently they were seen. */
export async function listFindings(q: Queryable, f: { status?: string; severity?: string } = {}): Promise<FindingRow[]> {
  return q.query<FindingRow>(
    `SELECT ${FINDING} FROM ${FROM}
      WHERE ($1::text IS NULL OR f.status = $1) AND ($2::text IS NULL OR f.severity = $2)
      ORDER BY CASE f.status WHEN 'open' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END,
               CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, f.last_seen_at DESC, f.check_key, f.subject
      LIMIT 1000`,
    [f.status ?? null, f.severity ?? null],
  );
}

export async function findFinding(q: Queryable, id: string, forUpdate = false): Promise<FindingRow | undefined> {
  const [r] = await q.query<FindingRow>(`SELECT ${FINDING} FROM ${FROM} WHERE f.id = $1${forUpdate ? ' FOR UPDATE OF f' : ''}`, [id]);
  return r;
}

export interface StoredFindingRow {
  id: string;
  check_key: string;
  subject: string;
  severity: Severity;
  status: 'open' | 'accepted' | 'fixed';
  first_seen_at: Date;
  fixed_at: Date | null;
  accepted_until: Date | null;
}
/** What the runner compares a run's trips with (locked: two runs at once wait for each other). */
export async function listStoredFindings(q: Queryable): Promise<StoredFindingRow[]> {
  return q.query<StoredFindingRow>(
    'SELECT id, check_key, subject, severity, status, first_seen_at, fixed_at, accepted_until FROM security_findings FOR UPDATE',
  );
}

export interface NewFinding {
  checkKey: string;
  subject: string;
  severity: Severity;
  owner: string;
  params: Record<string, string | number>;
}
export async function insertFindings(
  q: Queryable,
  schoolId: string,
  rows: NewFinding[],
  now: Date,
): Promise<{ id: string; subject: string; check_key: string }[]> {
  if (!rows.length) return [];
  return q.query(
    `INSERT INTO security_findings (school_id, check_key, subject, severity, owner, params, status, first_seen_at, last_seen_at)
     SELECT $1, c, s, v, o, p, 'open', $7, $7 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS t(c, s, v, o, p)
     RETURNING id, subject, check_key`,
    [
      schoolId,
      rows.map((r) => r.checkKey),
      rows.map((r) => r.subject),
      rows.map((r) => r.severity),
      rows.map((r) => r.owner),
      rows.map((r) => JSON.stringify(r.params)),
      now,
    ],
  );
}

/**
 * Findings tripped again: seen now, with this run's words and severity. `reopen` ones (fixed before,
 * or accepted until a date now past) open again, as a new sighting: first seen now, not reviewed.
 */
export async function touchFindings(
  q: Queryable,
  rows: { id: string; severity: Severity; params: Record<string, string | number>; reopen: boolean }[],
  now: Date,
): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `UPDATE security_findings f SET last_seen_at = $5, severity = t.v, params = t.p,
            status = CASE WHEN t.r THEN 'open' ELSE f.status END,
            first_seen_at = CASE WHEN t.r AND f.status = 'fixed' THEN $5 ELSE f.first_seen_at END,
            fixed_at = CASE WHEN t.r THEN NULL ELSE f.fixed_at END,
            reviewed_at = CASE WHEN t.r THEN NULL ELSE f.reviewed_at END,
            reviewed_by = CASE WHEN t.r THEN NULL ELSE f.reviewed_by END,
            accepted_reason = CASE WHEN t.r THEN NULL ELSE f.accepted_reason END,
            accepted_until = CASE WHEN t.r THEN NULL ELSE f.accepted_until END,
            accepted_by = CASE WHEN t.r THEN NULL ELSE f.accepted_by END,
            accepted_at = CASE WHEN t.r THEN NULL ELSE f.accepted_at END
       FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::boolean[]) AS t(id, v, p, r)
      WHERE f.id = t.id`,
    [rows.map((r) => r.id), rows.map((r) => r.severity), rows.map((r) => JSON.stringify(r.params)), rows.map((r) => r.reopen), now],
  );
}

/** Findings whose check no longer trips: fixed. */
export async function fixFindings(q: Queryable, ids: string[], now: Date): Promise<void> {
  if (!ids.length) return;
  await q.query(`UPDATE security_findings SET status = 'fixed', fixed_at = $2 WHERE id = ANY($1)`, [ids, now]);
}

/** Acceptances that have run out, whatever their check did this run: the findings are open again. */
export async function reopenExpired(q: Queryable, now: Date): Promise<void> {
  await q.query(
    `UPDATE security_findings SET status = 'open', accepted_reason = NULL, accepted_until = NULL, accepted_by = NULL, accepted_at = NULL,
            reviewed_at = NULL, reviewed_by = NULL
      WHERE status = 'accepted' AND accepted_until <= $1`,
    [now],
  );
}

export async function countOpen(q: Queryable): Promise<{ high: number; medium: number; low: number }> {
  const [r] = await q.query<{ high: number; medium: number; low: number }>(
    `SELECT count(*) FILTER (WHERE severity = 'high')::int AS high, count(*) FILTER (WHERE severity = 'medium')::int AS medium,
            count(*) FILTER (WHERE severity = 'low')::int AS low
       FROM security_findings WHERE status = 'open'`,
  );
  return r ?? { high: 0, medium: 0, low: 0 };
}

export async function upsertPosture(
  q: Queryable,
  schoolId: string,
  day: string,
  c: { high: number; medium: number; low: number },
): Promise<void> {
  await q.query(
    `INSERT INTO security_posture (school_id, day, high, medium, low) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (school_id, day) DO UPDATE SET high = EXCLUDED.high, medium = EXCLUDED.medium, low = EXCLUDED.low`,
    [schoolId, day, c.high, c.medium, c.low],
  );
}

export interface PostureRow {
  day: string;
  high: number;
  medium: number;
  low: number;
}
export async function listPosture(q: Queryable, fromDay: string): Promise<PostureRow[]> {
  return q.query<PostureRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, high, medium, low FROM security_posture WHERE day >= $1::date ORDER BY day`,
    [fromDay],
  );
}

export interface RunRow {
  ran_at: Date;
  trigger: 'daily' | 'manual';
  took_ms: number;
  failed: string[];
  unmonitored: string[];
  open_high: number;
  open_medium: number;
  open_low: number;
  new_findings: number;
  fixed_findings: number;
}
export async function insertRun(q: Queryable, schoolId: string, r: RunRow): Promise<void> {
  await q.query(
    `INSERT INTO security_check_runs (school_id, ran_at, trigger, took_ms, failed, unmonitored, open_high, open_medium, open_low, new_findings, fixed_findings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      schoolId,
      r.ran_at,
      r.trigger,
      r.took_ms,
      r.failed,
      r.unmonitored,
      r.open_high,
      r.open_medium,
      r.open_low,
      r.new_findings,
      r.fixed_findings,
    ],
  );
}

export async function findLastRun(q: Queryable): Promise<RunRow | undefined> {
  const [r] = await q.query<RunRow>(
    `SELECT ran_at, trigger, took_ms, failed, unmonitored, open_high, open_medium, open_low, new_findings, fixed_findings
       FROM security_check_runs ORDER BY ran_at DESC LIMIT 1`,
  );
  return r;
}

export async function acceptFindingRow(q: Queryable, id: string, a: { reason: string; until: Date; by: string; at: Date }): Promise<void> {
  await q.query(
    `UPDATE security_findings SET status = 'accepted', accepted_reason = $2, accepted_until = $3, accepted_by = $4, accepted_at = $5,
            reviewed_at = $5, reviewed_by = $4
      WHERE id = $1`,
    [id, a.reason, a.until, a.by, a.at],
  );
}

export async function reviewFindingRow(q: Queryable, id: string, by: string, at: Date): Promise<void> {
  await q.query('UPDATE security_findings SET reviewed_at = $3, reviewed_by = $2 WHERE id = $1', [id, by, at]);
}

/** memo.S2.security-review's facts: open findings not reviewed in time, and high ones open too long. */
export async function findReviewFacts(
  q: Queryable,
  reviewBefore: Date,
  highBefore: Date,
): Promise<{ unreviewed: number; high_stale: number }> {
  const [r] = await q.query<{ unreviewed: number; high_stale: number }>(
    `SELECT count(*) FILTER (WHERE coalesce(reviewed_at, first_seen_at) < $1)::int AS unreviewed,
            count(*) FILTER (WHERE severity = 'high' AND first_seen_at < $2)::int AS high_stale
       FROM security_findings WHERE status = 'open'`,
    [reviewBefore, highBefore],
  );
  return r ?? { unreviewed: 0, high_stale: 0 };
}
