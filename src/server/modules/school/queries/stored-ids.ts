import type { z } from 'zod';
import type { IdType } from '../../../../contracts/school.js';
import type { Queryable } from '../../../core/db/types.js';

// The start-up step that seals identity numbers stored before they were encrypted (migration 0016).
// It runs as the owner, across schools, one school and batch at a time.

/** Schools that still have a plain identity number. */
export async function listSchoolsWithPlainIds(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ school_id: string }>('SELECT DISTINCT school_id FROM students WHERE id_number IS NOT NULL');
  return rows.map((r) => r.school_id);
}

/** One sealing of a school's numbers at a time, across processes (released when the transaction ends). */
export async function lockSchoolIds(q: Queryable, schoolId: string): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('students.id_sealed:' || $1))`, [schoolId]);
}

export interface PlainIdRow {
  id: string;
  reg_no: string;
  id_type: z.infer<typeof IdType>;
  id_number: string;
}

export async function claimPlainIds(q: Queryable, schoolId: string, limit: number): Promise<PlainIdRow[]> {
  return q.query<PlainIdRow>(
    `SELECT id, reg_no, id_type, id_number FROM students WHERE school_id = $1 AND id_number IS NOT NULL ORDER BY id LIMIT $2 FOR UPDATE`,
    [schoolId, limit],
  );
}

/** The school's HKID hashes already stored, with the registration number each belongs to. */
export async function listHkidHashes(q: Queryable, schoolId: string): Promise<{ id_hash: string; reg_no: string }[]> {
  return q.query<{ id_hash: string; reg_no: string }>(
    `SELECT id_hash, reg_no FROM students WHERE school_id = $1 AND id_type = 'hkid' AND id_hash IS NOT NULL`,
    [schoolId],
  );
}

export interface SealedIdUpdate {
  id: string;
  sealed: string;
  hash: string | null;
  masked: string;
}

/** Writes the sealed forms and empties the plain number, in one statement; a row sealed meanwhile is left alone. */
export async function storeSealedIds(q: Queryable, updates: SealedIdUpdate[]): Promise<number> {
  const rows = await q.query<{ id: string }>(
    `UPDATE students st SET id_sealed = x.sealed, id_hash = x.hash, id_masked = x.masked, id_number = NULL
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS x(id, sealed, hash, masked)
     WHERE st.id = x.id AND st.id_number IS NOT NULL RETURNING st.id`,
    [updates.map((u) => u.id), updates.map((u) => u.sealed), updates.map((u) => u.hash), updates.map((u) => u.masked)],
  );
  return rows.length;
}

/**
 * Rewrites the students table into new files, so the old row versions that held plain numbers leave
 * the table's files (an UPDATE leaves them behind until the space is reused), and replaces the
 * planner's statistics, which keep sample values of every column; the statistics table is then
 * rewritten too (PostgreSQL skips it, with a warning, for a role that does not own the database).
 */
export async function rewriteStudentsTable(q: Queryable): Promise<void> {
  await q.query('VACUUM (FULL, ANALYZE) students');
  await q.query('VACUUM FULL pg_statistic');
}
