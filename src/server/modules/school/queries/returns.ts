import type { Queryable } from '../../../core/db/types.js';

/** The school year that contains a date, or else the current one. */
export async function findYearFor(q: Queryable, refDate: string): Promise<{ id: string; starts_on: string } | undefined> {
  const [y] = await q.query<{ id: string; starts_on: string }>(
    `SELECT id, starts_on::text FROM school_years WHERE (starts_on <= $1::date AND ends_on >= $1::date) OR status = 'current'
     ORDER BY (starts_on <= $1::date AND ends_on >= $1::date) DESC LIMIT 1`,
    [refDate],
  );
  return y;
}

/** A student with one placement (the latest in the year as on the reference date). */
export interface PlacedRow {
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
  level: string;
  class_code: string;
  class_number: number;
}

/** Each student's latest placement in the year as on the reference date. */
export async function listPlacements(q: Queryable, yearId: string, refDate: string): Promise<PlacedRow[]> {
  return q.query<PlacedRow>(
    `SELECT DISTINCT ON (s.id) s.id, s.strn, s.reg_no, s.name_en, s.name_zh, s.sex, s.date_of_birth::text, s.entry_date::text,
            s.leave_date::text, s.leave_reason, s.status, c.level, c.code AS class_code, sc.class_number
     FROM student_classes sc JOIN students s ON s.id = sc.student_id JOIN classes c ON c.id = sc.class_id
     WHERE sc.year_id = $1 AND sc.from_date <= $2::date
     ORDER BY s.id, sc.from_date DESC, sc.to_date DESC NULLS FIRST`,
    [yearId, refDate],
  );
}

/** Secondary students on roll on the day who are placed at the same level as in the year before. */
export async function countRepeaters(q: Queryable, yearId: string, yearStart: string, refDate: string): Promise<number> {
  const [rep] = await q.query<{ n: number }>(
    `SELECT count(DISTINCT cur.student_id)::int AS n
     FROM student_classes cur JOIN classes cc ON cc.id = cur.class_id
     JOIN school_years py ON py.ends_on < $2::date AND py.ends_on >= $2::date - 366
     JOIN student_classes prev ON prev.student_id = cur.student_id AND prev.year_id = py.id
     JOIN classes pc ON pc.id = prev.class_id
     JOIN students s ON s.id = cur.student_id
     WHERE cur.year_id = $1 AND cur.from_date <= $3::date AND pc.level = cc.level AND cc.level LIKE 'S%'
       AND (CASE WHEN s.leave_date IS NOT NULL THEN s.leave_date >= $3::date ELSE s.status = 'on_roll' END)`,
    [yearId, yearStart, refDate],
  );
  return rep?.n ?? 0;
}

export type LeaverRow = Pick<PlacedRow, 'strn' | 'reg_no' | 'name_en' | 'leave_date' | 'leave_reason'>;

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
             WHERE sc.class_id = c.id AND sc.from_date <= $2::date AND (sc.to_date IS NULL OR sc.to_date >= $2::date) AND st.entry_date <= $2::date
               AND (CASE WHEN st.leave_date IS NOT NULL THEN st.leave_date >= $2::date ELSE st.status = 'on_roll' END)) AS students
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
