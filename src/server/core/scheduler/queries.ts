import type { Queryable } from '../db/types.js';

/** The scheduler's own SQL: housekeeping, the mail queue, work claims and the list of organisations. */

export async function deleteStaleSessions(q: Queryable, idleBefore: Date, createdBefore: Date): Promise<void> {
  await q.query('DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2', [idleBefore, createdBefore]);
}

export async function deleteOldRateWindows(q: Queryable, before: Date): Promise<void> {
  await q.query('DELETE FROM rate_limits WHERE window_start < $1', [before]);
}

export async function deleteOldAuthFailures(q: Queryable, before: Date): Promise<void> {
  await q.query('DELETE FROM auth_failures WHERE at < $1', [before]);
}

export interface MailRow {
  id: string;
  to_addr: string;
  subject: string;
  body: string;
  attempts: number;
}

/** Claims the oldest queued message for five minutes (skipping one another process holds). */
export async function claimNextMail(q: Queryable, now: Date): Promise<MailRow | undefined> {
  const [m] = await q.query<MailRow>(
    `UPDATE mail_outbox SET claimed_until = $1::timestamptz + interval '5 minutes' WHERE id = (
       SELECT id FROM mail_outbox WHERE status = 'queued' AND (claimed_until IS NULL OR claimed_until < $1)
       ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING id, to_addr, subject, body, attempts`,
    [now],
  );
  return m;
}

export async function markMailSent(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query(`UPDATE mail_outbox SET status = 'sent', sent_at = $2, attempts = attempts + 1, claimed_until = NULL WHERE id = $1`, [
    id,
    now,
  ]);
}

export async function markMailFailed(q: Queryable, id: string, error: string, status: 'failed' | 'queued'): Promise<void> {
  await q.query('UPDATE mail_outbox SET attempts = attempts + 1, error = $2, status = $3 WHERE id = $1', [id, error, status]);
}

/** Records a unit of work as done; false when some process already claimed the same key. */
export async function claimWork(q: Queryable, key: string, job: string, schoolId: string | null): Promise<boolean> {
  const rows = await q.query(
    'INSERT INTO job_runs (idem_key, job, school_id, ran_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING RETURNING idem_key',
    [key, job, schoolId],
  );
  return rows.length > 0;
}

export type OrgKind = 'school' | 'authority';

export async function organisationIds(q: Queryable, kind: OrgKind | 'any'): Promise<string[]> {
  const rows = await q.query<{ id: string }>(`SELECT id FROM schools WHERE $1 = 'any' OR kind = $1 ORDER BY id`, [kind]);
  return rows.map((r) => r.id);
}
