import type { Queryable } from '../../../core/db/types.js';

import { onRollSql, placedOnSql } from './sql.js';

export interface ReturnYearRow {
  id: string;
  starts_on: string;
  /** The school year just before it (the one a repeater was in at the same level), if the school has it. */
  previous_id: string | null;
}

/** The school year that contains the date — only that one: a date outside every year has none. */
export async function findYearFor(q: Queryable, refDate: string): Promise<ReturnYearRow | undefined> {
  const [y] = await q.query<ReturnYearRow>(
    `SELECT y.id, y.starts_on::text,
            (SELECT p.id FROM school_years p WHERE p.ends_on < y.starts_on AND p.ends_on >= y.starts_on - 366 ORDER BY p.ends_on DESC LIMIT 1) AS previous_id
     FROM school_years y WHERE y.starts_on <= $1::date AND y.ends_on >= $1::date ORDER BY y.starts_on DESC LIMIT 1`,
    [refDate],
  );
  return y;
}

/** A student on roll on the reference date, with the class they are in that day (null: none). */
export interface RollRow {
  id: string;
  strn: string | null;
  reg_no: string;
  name_en: string;
  name_zh: string | null;
  sex: string;
  date_of_birth: string;
  entry_date: string;
  leave_date: string | null;
  leave_reason: string | null;
  status: string;
  level: string | null;
  class_code: string | null;
  class_number: number | null;
  /** The level of their last class in the year before (a repeater is at the same level again). */
  previous_level: string | null;
  /** Their first placement in the year that starts after the reference date, if any (and its class). */
  next_from: string | null;
  next_class_code: string | null;
}

/**
 * Every student on roll on the reference date (roll-policy.ts `onRollOn`), with the placement that
 * covers that day in the year, the first one after it, and the last level of the year before.
 * Set-based (one pass over each year's placements), so a 2,000-student school is one statement.
 */
export async function listRoll(q: Queryable, yearId: string, previousYearId: string | null, refDate: string): Promise<RollRow[]> {
  return q.query<RollRow>(
    `WITH cur AS (
       SELECT DISTINCT ON (sc.student_id) sc.student_id, c.level, c.code, sc.class_number
       FROM student_classes sc JOIN classes c ON c.id = sc.class_id
       WHERE sc.year_id = $1 AND ${placedOnSql('sc', '$2::date')}
       ORDER BY sc.student_id, sc.from_date DESC, sc.to_date DESC NULLS FIRST),
     nxt AS (
       SELECT DISTINCT ON (sc.student_id) sc.student_id, sc.from_date, c.code
       FROM student_classes sc JOIN classes c ON c.id = sc.class_id
       WHERE sc.year_id = $1 AND sc.from_date > $2::date ORDER BY sc.student_id, sc.from_date),
     prev AS (
       SELECT DISTINCT ON (sc.student_id) sc.student_id, c.level
       FROM student_classes sc JOIN classes c ON c.id = sc.class_id
       WHERE sc.year_id = $3 ORDER BY sc.student_id, sc.from_date DESC, sc.to_date DESC NULLS FIRST)
     SELECT s.id, s.strn, s.reg_no, s.name_en, s.name_zh, s.sex, s.date_of_birth::text, s.entry_date::text, s.leave_date::text,
            s.leave_reason, s.status, cur.level, cur.code AS class_code, cur.class_number, prev.level AS previous_level,
            nxt.from_date::text AS next_from, nxt.code AS next_class_code
     FROM students s LEFT JOIN cur ON cur.student_id = s.id LEFT JOIN nxt ON nxt.student_id = s.id LEFT JOIN prev ON prev.student_id = s.id
     WHERE ${onRollSql('s', '$2::date')}`,
    [yearId, refDate, previousYearId],
  );
}

/**
 * Students placed in the year by the reference date who are no longer on roll on it and whose
 * leave date (or, without one, their status) puts them off the roll since `from`: form A when
 * there is no previous roll to compare with.
 */
export async function listYearLeavers(q: Queryable, yearId: string, from: string, refDate: string): Promise<LeaverRow[]> {
  return q.query<LeaverRow>(
    `SELECT s.strn, s.reg_no, s.name_en, s.leave_date::text, s.leave_reason FROM students s
     WHERE EXISTS (SELECT 1 FROM student_classes sc WHERE sc.student_id = s.id AND sc.year_id = $1 AND sc.from_date <= $3::date)
       AND s.entry_date <= $3::date AND NOT ${onRollSql('s', '$3::date')} AND coalesce(s.leave_date, $3::date) >= $2::date
     ORDER BY s.reg_no`,
    [yearId, from, refDate],
  );
}

export type LeaverRow = Pick<RollRow, 'strn' | 'reg_no' | 'name_en' | 'leave_date' | 'leave_reason'>;

/** Students by registration number, whatever year they were last placed in. */
export async function listStudentsByRegNo(q: Queryable, regNos: string[]): Promise<LeaverRow[]> {
  return q.query<LeaverRow>(
    'SELECT strn, reg_no, name_en, leave_date::text, leave_reason FROM students WHERE reg_no = ANY($1) ORDER BY reg_no',
    [regNos],
  );
}

export interface ReturnClassRow {
  code: string;
  level: string;
  name_en: string;
  name_zh: string;
  /** Class teachers' staff codes, space-separated. */
  teachers: string | null;
  /** Students on roll in the class on the reference date. */
  students: number;
}

export async function listReturnClasses(q: Queryable, yearId: string, refDate: string): Promise<ReturnClassRow[]> {
  return q.query<ReturnClassRow>(
    `SELECT c.code, c.level, c.name_en, c.name_zh,
            (SELECT string_agg(st.staff_code, ' ' ORDER BY st.staff_code) FROM class_teachers ct JOIN staff st ON st.id = ct.staff_id WHERE ct.class_id = c.id) AS teachers,
            (SELECT count(*)::int FROM student_classes sc JOIN students st ON st.id = sc.student_id
             WHERE sc.class_id = c.id AND ${placedOnSql('sc', '$2::date')} AND ${onRollSql('st', '$2::date')}) AS students
     FROM classes c WHERE c.year_id = $1 ORDER BY c.level, c.code`,
    [yearId, refDate],
  );
}

export interface ReturnClassSubjectRow {
  class_code: string;
  code: string;
  edb_code: string | null;
  name_en: string;
  medium: string;
  /** Subject teachers' staff codes, space-separated. */
  teachers: string | null;
}

export async function listReturnClassSubjects(q: Queryable, yearId: string): Promise<ReturnClassSubjectRow[]> {
  return q.query<ReturnClassSubjectRow>(
    `SELECT c.code AS class_code, su.code, su.edb_code, su.name_en, cs.medium,
            (SELECT string_agg(st.staff_code, ' ' ORDER BY st.staff_code) FROM class_subject_teachers t JOIN staff st ON st.id = t.staff_id WHERE t.class_subject_id = cs.id) AS teachers
     FROM class_subjects cs JOIN classes c ON c.id = cs.class_id JOIN subjects su ON su.id = cs.subject_id
     WHERE c.year_id = $1 ORDER BY c.level, c.code, su.code`,
    [yearId],
  );
}

/** Which levels each school teaches in its current year; runs across schools (as the system). */
export async function listLevelsOfSchools(q: Queryable): Promise<{ school_id: string; levels: ('primary' | 'secondary')[] }[]> {
  return q.query<{ school_id: string; levels: ('primary' | 'secondary')[] }>(
    `SELECT c.school_id, array_agg(DISTINCT CASE WHEN c.level LIKE 'P%' THEN 'primary' ELSE 'secondary' END) AS levels
     FROM classes c JOIN school_years y ON y.id = c.year_id AND y.status = 'current' GROUP BY c.school_id`,
  );
}
