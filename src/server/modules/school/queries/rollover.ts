import type { z } from 'zod';
import type { Level } from '../../../../contracts/school.js';
import type { Queryable } from '../../../core/db/types.js';
import { onRollSql, placedOnSql } from './sql.js';
import type { YearStatus } from './years-classes-subjects.js';

// The school records' side of the year rollover (planning module): what the year rolled over from
// holds, and the bulk writes of a migration and its undo. Every function runs on the caller's transaction.

export interface RolloverYearRow {
  id: string;
  code: string;
  starts_on: string;
  ends_on: string;
  status: YearStatus;
  classes: number;
}

export async function findYearByCode(q: Queryable, code: string): Promise<RolloverYearRow | undefined> {
  const [y] = await q.query<RolloverYearRow>(
    `SELECT y.id, y.code, y.starts_on::text, y.ends_on::text, y.status, (SELECT count(*)::int FROM classes c WHERE c.year_id = y.id) AS classes
     FROM school_years y WHERE y.code = $1 FOR UPDATE`,
    [code],
  );
  return y;
}

export async function findCurrentYearRow(q: Queryable): Promise<RolloverYearRow | undefined> {
  const [y] = await q.query<RolloverYearRow>(
    `SELECT y.id, y.code, y.starts_on::text, y.ends_on::text, y.status, (SELECT count(*)::int FROM classes c WHERE c.year_id = y.id) AS classes
     FROM school_years y WHERE y.status = 'current'`,
  );
  return y;
}

export async function findYearById(q: Queryable, id: string): Promise<RolloverYearRow | undefined> {
  const [y] = await q.query<RolloverYearRow>(
    `SELECT y.id, y.code, y.starts_on::text, y.ends_on::text, y.status, (SELECT count(*)::int FROM classes c WHERE c.year_id = y.id) AS classes
     FROM school_years y WHERE y.id = $1`,
    [id],
  );
  return y;
}

export interface SourceClassRow {
  id: string;
  code: string;
  level: z.infer<typeof Level>;
  name_zh: string;
  name_en: string;
  stream: string | null;
  subjects: number;
}

export async function listSourceClasses(q: Queryable, yearId: string): Promise<SourceClassRow[]> {
  return q.query<SourceClassRow>(
    `SELECT c.id, c.code, c.level, c.name_zh, c.name_en, c.stream,
            (SELECT count(*)::int FROM class_subjects cs WHERE cs.class_id = c.id) AS subjects
     FROM classes c WHERE c.year_id = $1 ORDER BY c.level, c.code`,
    [yearId],
  );
}

export interface RollStudentRow {
  id: string;
  reg_no: string;
  name_en: string;
  name_zh: string | null;
  status: 'on_roll' | 'left' | 'graduated';
  leave_date: string | null;
  /** The class (code, level) and number on the year's last day; null when not placed that day. */
  class_code: string | null;
  level: z.infer<typeof Level> | null;
  class_number: number | null;
  /** `roll`: on roll on the old year's last day; `intake`: first on roll after it (admitted for the new year). */
  kind: 'roll' | 'intake';
}

/**
 * The students a rollover moves: those on roll on the old year's last day (the one on-roll rule),
 * with their place that day, and the intake — entered after the old year's last day and on or before
 * the new year's last day (on roll on their entry day), whether they start on the first day or later.
 */
export async function listRollStudents(
  q: Queryable,
  yearId: string,
  lastDay: string,
  newLastDay: string,
  studentId: string | null = null,
): Promise<RollStudentRow[]> {
  return q.query<RollStudentRow>(
    `WITH placed AS (
       SELECT DISTINCT ON (sc.student_id) sc.student_id, sc.class_id, sc.class_number
       FROM student_classes sc WHERE sc.year_id = $1 AND ${placedOnSql('sc', '$2::date')}
       ORDER BY sc.student_id, sc.from_date DESC)
     SELECT st.id, st.reg_no, st.name_en, st.name_zh, st.status, st.leave_date::text,
            c.code AS class_code, c.level, p.class_number,
            CASE WHEN ${onRollSql('st', '$2::date')} THEN 'roll' ELSE 'intake' END AS kind
     FROM students st
     LEFT JOIN placed p ON p.student_id = st.id
     LEFT JOIN classes c ON c.id = p.class_id
     WHERE (${onRollSql('st', '$2::date')} OR (st.entry_date > $2::date AND st.entry_date <= $3::date AND ${onRollSql('st', 'st.entry_date')}))
       AND ($4::uuid IS NULL OR st.id = $4::uuid)
     ORDER BY st.reg_no`,
    [yearId, lastDay, newLastDay, studentId],
  );
}

// ---- Writes of a migration --------------------------------------------------------------------

export async function insertRolloverYear(
  q: Queryable,
  schoolId: string,
  y: { code: string; startsOn: string; endsOn: string },
): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO school_years (school_id, code, starts_on, ends_on, status) VALUES ($1, $2, $3, $4, 'planned') RETURNING id`,
    [schoolId, y.code, y.startsOn, y.endsOn],
  );
  if (!r) throw new Error('year not created');
  return r.id;
}

export async function setYearStatus(q: Queryable, id: string, status: YearStatus): Promise<void> {
  await q.query('UPDATE school_years SET status = $2 WHERE id = $1', [id, status]);
}

export async function deleteYear(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM school_years WHERE id = $1', [id]);
}

export interface RolloverClassInput {
  code: string;
  level: z.infer<typeof Level>;
  nameZh: string;
  nameEn: string;
  stream: string | null;
}

export async function insertRolloverClasses(
  q: Queryable,
  schoolId: string,
  yearId: string,
  cs: RolloverClassInput[],
): Promise<{ id: string; code: string }[]> {
  return q.query<{ id: string; code: string }>(
    `INSERT INTO classes (school_id, year_id, code, level, name_zh, name_en, stream)
     SELECT $1, $2, x.code, x.level, x.name_zh, x.name_en, x.stream
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS x(code, level, name_zh, name_en, stream, n)
     ORDER BY x.n RETURNING id, code`,
    [
      schoolId,
      yearId,
      cs.map((c) => c.code),
      cs.map((c) => c.level),
      cs.map((c) => c.nameZh),
      cs.map((c) => c.nameEn),
      cs.map((c) => c.stream),
    ],
  );
}

/** Each new class takes the class subjects (subject, medium) of its source class; teachers are the new year's to assign. */
export async function copyClassSubjects(
  q: Queryable,
  schoolId: string,
  pairs: { classId: string; fromClassId: string }[],
): Promise<string[]> {
  if (!pairs.length) return [];
  const rows = await q.query<{ id: string }>(
    `INSERT INTO class_subjects (school_id, class_id, subject_id, medium)
     SELECT $1, x.class_id, cs.subject_id, cs.medium
     FROM unnest($2::uuid[], $3::uuid[]) AS x(class_id, from_id) JOIN class_subjects cs ON cs.class_id = x.from_id
     RETURNING id`,
    [schoolId, pairs.map((p) => p.classId), pairs.map((p) => p.fromClassId)],
  );
  return rows.map((r) => r.id);
}

export interface NewPlacement {
  studentId: string;
  classId: string;
  classNumber: number;
}

export async function insertRolloverPlacements(
  q: Queryable,
  schoolId: string,
  yearId: string,
  fromDate: string,
  ps: NewPlacement[],
): Promise<string[]> {
  if (!ps.length) return [];
  const rows = await q.query<{ id: string }>(
    // An intake pupil who enters after the year's first day is placed from their entry date.
    `INSERT INTO student_classes (school_id, student_id, year_id, class_id, class_number, from_date)
     SELECT $1, x.student_id, $2, x.class_id, x.class_number, GREATEST($3::date, st.entry_date)
     FROM unnest($4::uuid[], $5::uuid[], $6::int[]) AS x(student_id, class_id, class_number)
     JOIN students st ON st.id = x.student_id RETURNING student_classes.id`,
    [schoolId, yearId, fromDate, ps.map((p) => p.studentId), ps.map((p) => p.classId), ps.map((p) => p.classNumber)],
  );
  return rows.map((r) => r.id);
}

/** A leaver's fields as they were before the migration (restored exactly by an undo). */
export interface LeaverBefore {
  id: string;
  status: string;
  leave_date: string | null;
  leave_reason: string | null;
  version: number;
}

export async function listLeaversBefore(q: Queryable, ids: string[]): Promise<LeaverBefore[]> {
  if (!ids.length) return [];
  return q.query<LeaverBefore>(
    'SELECT id, status, leave_date::text, leave_reason, version FROM students WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
    [ids],
  );
}

/** Leavers leave on the old year's last day (unless a leave date is already set), as graduated or left. */
export async function markLeavers(
  q: Queryable,
  lastDay: string,
  ls: { id: string; status: 'left' | 'graduated'; reason: string | null }[],
): Promise<number> {
  if (!ls.length) return 0;
  const rows = await q.query<{ id: string }>(
    `UPDATE students s SET status = x.status, leave_date = coalesce(s.leave_date, $1::date),
            leave_reason = coalesce(x.reason, s.leave_reason), version = s.version + 1
     FROM unnest($2::uuid[], $3::text[], $4::text[]) AS x(id, status, reason) WHERE s.id = x.id RETURNING s.id`,
    [lastDay, ls.map((l) => l.id), ls.map((l) => l.status), ls.map((l) => l.reason)],
  );
  return rows.length;
}

// ---- Undo -------------------------------------------------------------------------------------

export async function deletePlacements(q: Queryable, ids: string[]): Promise<void> {
  if (ids.length) await q.query('DELETE FROM student_classes WHERE id = ANY($1::uuid[])', [ids]);
}

export async function deleteClassSubjects(q: Queryable, ids: string[]): Promise<void> {
  if (ids.length) await q.query('DELETE FROM class_subjects WHERE id = ANY($1::uuid[])', [ids]);
}

export async function deleteClasses(q: Queryable, ids: string[]): Promise<void> {
  if (ids.length) await q.query('DELETE FROM classes WHERE id = ANY($1::uuid[])', [ids]);
}

export async function restoreLeavers(q: Queryable, before: LeaverBefore[]): Promise<void> {
  if (!before.length) return;
  await q.query(
    `UPDATE students s SET status = x.status, leave_date = x.leave_date::date, leave_reason = x.leave_reason, version = x.version
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, status text, leave_date text, leave_reason text, version int) WHERE s.id = x.id`,
    [JSON.stringify(before)],
  );
}

// ---- Checksums --------------------------------------------------------------------------------

/** The tables a migration touches (and whose rows a change in the new year would alter). */
export const ROLLOVER_TABLES = [
  'school_years',
  'classes',
  'class_teachers',
  'class_subjects',
  'class_subject_teachers',
  'students',
  'student_classes',
] as const;
/** Each table's rows in a fixed order: by key (cheaper to sort than whole rows as text). */
const ORDER: Record<(typeof ROLLOVER_TABLES)[number], string> = {
  school_years: 't.id',
  classes: 't.id',
  class_teachers: 't.class_id, t.staff_id',
  class_subjects: 't.id',
  class_subject_teachers: 't.class_subject_id, t.staff_id',
  students: 't.id',
  student_classes: 't.id',
};

export interface TableSumRow {
  name: string;
  rows: number;
  md5: string;
}

/** Row count and md5 of every row (as text, in order) of each touched table: this school's rows only (row-level security). */
export async function tableChecksums(q: Queryable): Promise<TableSumRow[]> {
  const parts = ROLLOVER_TABLES.map(
    (t) =>
      `SELECT '${t}' AS name, count(*)::int AS rows, coalesce(md5(string_agg(t::text, E'\\n' ORDER BY ${ORDER[t]})), '') AS md5 FROM ${t} t`,
  );
  return q.query<TableSumRow>(parts.join(' UNION ALL '));
}

export type { YearStatus };
