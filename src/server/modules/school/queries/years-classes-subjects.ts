import type { z } from 'zod';
import type { Level, Medium } from '../../../../contracts/school.js';
import type { Queryable } from '../../../core/db/types.js';
import { onRollSql, placedOnSql, returnedId } from './sql.js';

export type YearStatus = 'planned' | 'current' | 'finished';

// ---- Years ----------------------------------------------------------------------------------

export interface YearRow {
  id: string;
  code: string;
  starts_on: string;
  ends_on: string;
  status: YearStatus;
}

export async function listYearRows(q: Queryable): Promise<YearRow[]> {
  return q.query<YearRow>(`SELECT id, code, starts_on::text, ends_on::text, status FROM school_years ORDER BY starts_on DESC`);
}

export async function countCurrentYears(q: Queryable): Promise<number> {
  const [cur] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM school_years WHERE status = 'current'`);
  return cur?.n ?? 0;
}

export interface NewYear {
  code: string;
  startsOn: string;
  endsOn: string;
  status: YearStatus;
}

export async function insertYear(q: Queryable, schoolId: string, y: NewYear): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO school_years (school_id, code, starts_on, ends_on, status) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [schoolId, y.code, y.startsOn, y.endsOn, y.status],
  );
  return returnedId(rows, 'year');
}

export async function findYearForUpdate(q: Queryable, id: string): Promise<YearRow | undefined> {
  const [y] = await q.query<YearRow>('SELECT id, code, starts_on::text, ends_on::text, status FROM school_years WHERE id = $1 FOR UPDATE', [
    id,
  ]);
  return y;
}

/** Finishes the current year, if there is one; gives its code. */
export async function finishCurrentYear(q: Queryable): Promise<string | null> {
  const prev = await q.query<{ code: string }>(`UPDATE school_years SET status = 'finished' WHERE status = 'current' RETURNING code`);
  return prev[0]?.code ?? null;
}

export async function setYearCurrent(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE school_years SET status = 'current' WHERE id = $1`, [id]);
}

export async function findYearStatus(q: Queryable, id: string): Promise<YearStatus | undefined> {
  const [y] = await q.query<{ status: YearStatus }>('SELECT status FROM school_years WHERE id = $1', [id]);
  return y?.status;
}

export async function findCurrentYearId(q: Queryable): Promise<string | null> {
  const [y] = await q.query<{ id: string }>(`SELECT id FROM school_years WHERE status = 'current'`);
  return y?.id ?? null;
}

// ---- Classes --------------------------------------------------------------------------------

export interface ClassRow {
  id: string;
  year_id: string;
  code: string;
  level: z.infer<typeof Level>;
  name_zh: string;
  name_en: string;
  stream: string | null;
  teacher_ids: string[] | null;
  students: number;
}

/**
 * A year's classes; `students` counts those in the class and on roll on `today` (the one rule,
 * roll-policy.ts), or on the year's first or last day for a year that has not started or has ended.
 */
export async function listClassRows(q: Queryable, yearId: string, today: string): Promise<ClassRow[]> {
  return q.query<ClassRow>(
    `SELECT c.id, c.year_id, c.code, c.level, c.name_zh, c.name_en, c.stream,
            (SELECT array_agg(staff_id) FROM class_teachers ct WHERE ct.class_id = c.id) AS teacher_ids,
            (SELECT count(*) FROM student_classes sc JOIN students st ON st.id = sc.student_id
             WHERE sc.class_id = c.id AND ${placedOnSql('sc', 'd.day')} AND ${onRollSql('st', 'd.day')}) AS students
     FROM classes c JOIN school_years y ON y.id = c.year_id
     CROSS JOIN LATERAL (SELECT least(greatest($2::date, y.starts_on), y.ends_on) AS day) d
     WHERE c.year_id = $1 ORDER BY c.level, c.code`,
    [yearId, today],
  );
}

export interface NewClass {
  yearId: string;
  code: string;
  level: z.infer<typeof Level>;
  nameZh: string;
  nameEn: string;
  stream: string | null;
}

export async function insertClass(q: Queryable, schoolId: string, c: NewClass): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO classes (school_id, year_id, code, level, name_zh, name_en, stream) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [schoolId, c.yearId, c.code, c.level, c.nameZh, c.nameEn, c.stream],
  );
  return returnedId(rows, 'class');
}

export async function insertClassTeacher(q: Queryable, schoolId: string, classId: string, staffId: string): Promise<void> {
  await q.query('INSERT INTO class_teachers (school_id, class_id, staff_id) VALUES ($1, $2, $3)', [schoolId, classId, staffId]);
}

/** The year a class belongs to, or undefined when the class is not this school's. */
export async function findClassYearId(q: Queryable, classId: string): Promise<string | undefined> {
  const [c] = await q.query<{ year_id: string }>('SELECT year_id FROM classes WHERE id = $1', [classId]);
  return c?.year_id;
}

// ---- Subjects -------------------------------------------------------------------------------

export interface SubjectRow {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  edb_code: string | null;
}

export async function listSubjectRows(q: Queryable): Promise<SubjectRow[]> {
  return q.query<SubjectRow>('SELECT id, code, name_zh, name_en, edb_code FROM subjects ORDER BY code');
}

export interface NewSubject {
  code: string;
  nameZh: string;
  nameEn: string;
  edbCode: string | null;
}

export async function insertSubject(q: Queryable, schoolId: string, s: NewSubject): Promise<string> {
  const rows = await q.query<{ id: string }>(
    'INSERT INTO subjects (school_id, code, name_zh, name_en, edb_code) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [schoolId, s.code, s.nameZh, s.nameEn, s.edbCode],
  );
  return returnedId(rows, 'subject');
}

// ---- Class subjects -------------------------------------------------------------------------

export interface ClassSubjectRow {
  id: string;
  class_id: string;
  subject_id: string;
  medium: z.infer<typeof Medium>;
  teacher_ids: string[] | null;
}

export async function listClassSubjectRows(q: Queryable, classId: string): Promise<ClassSubjectRow[]> {
  return q.query<ClassSubjectRow>(
    `SELECT cs.id, cs.class_id, cs.subject_id, cs.medium,
            (SELECT array_agg(staff_id) FROM class_subject_teachers t WHERE t.class_subject_id = cs.id) AS teacher_ids
     FROM class_subjects cs WHERE cs.class_id = $1`,
    [classId],
  );
}

export interface NewClassSubject {
  classId: string;
  subjectId: string;
  medium: z.infer<typeof Medium>;
}

export async function insertClassSubject(q: Queryable, schoolId: string, cs: NewClassSubject): Promise<string> {
  const rows = await q.query<{ id: string }>(
    'INSERT INTO class_subjects (school_id, class_id, subject_id, medium) VALUES ($1, $2, $3, $4) RETURNING id',
    [schoolId, cs.classId, cs.subjectId, cs.medium],
  );
  return returnedId(rows, 'class subject');
}

export async function insertClassSubjectTeacher(q: Queryable, schoolId: string, classSubjectId: string, staffId: string): Promise<void> {
  await q.query('INSERT INTO class_subject_teachers (school_id, class_subject_id, staff_id) VALUES ($1, $2, $3)', [
    schoolId,
    classSubjectId,
    staffId,
  ]);
}
