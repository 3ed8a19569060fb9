import type { z } from 'zod';
import type { IdType, Level, Medium, StaffStatus, StudentStatus } from '../../../../contracts/school.js';
import type { Queryable } from '../../../core/db/types.js';
import type { StaffValues } from './staff.js';
import { studentColumns, type StudentValues } from './students.js';

// ---- What an import checks rows against ----------------------------------------------------

export interface ImportYearRow {
  id: string;
  status: string;
  starts_on: string;
  ends_on: string;
}

export async function findCurrentYear(q: Queryable): Promise<ImportYearRow | undefined> {
  const [year] = await q.query<ImportYearRow>(
    `SELECT id, status, starts_on::text, ends_on::text FROM school_years WHERE status = 'current'`,
  );
  return year;
}

export async function listClassCodes(q: Queryable, yearId: string): Promise<{ id: string; code: string }[]> {
  return q.query<{ id: string; code: string }>('SELECT id, code FROM classes WHERE year_id = $1', [yearId]);
}

export async function listStaffCodes(q: Queryable): Promise<{ id: string; staff_code: string }[]> {
  return q.query<{ id: string; staff_code: string }>('SELECT id, staff_code FROM staff');
}

export async function listSubjectCodes(q: Queryable): Promise<{ id: string; code: string }[]> {
  return q.query<{ id: string; code: string }>('SELECT id, code FROM subjects');
}

// ---- Students -------------------------------------------------------------------------------

export interface ExistingStudentRow {
  id: string;
  reg_no: string;
  strn: string | null;
  name_zh: string | null;
  name_en: string;
  sex: 'M' | 'F';
  date_of_birth: string;
  id_type: z.infer<typeof IdType>;
  /** The identity number's keyed hash (the number itself is compared by it, never decrypted). */
  id_hash: string | null;
  /** The sealed and masked forms, kept as they are by a row that leaves the number out. */
  id_sealed: string;
  id_masked: string;
  entry_date: string;
  status: z.infer<typeof StudentStatus>;
  leave_date: string | null;
  leave_reason: string | null;
  class_id: string | null;
  class_number: number | null;
}

/** Every student, with their open placement in the year (none when `yearId` is null). */
export async function listExistingStudents(q: Queryable, yearId: string | null): Promise<ExistingStudentRow[]> {
  return q.query<ExistingStudentRow>(
    `SELECT st.id, st.reg_no, st.strn, st.name_zh, st.name_en, st.sex, st.date_of_birth::text, st.id_type, st.id_hash, st.id_sealed, st.id_masked,
            st.entry_date::text, st.status, st.leave_date::text, st.leave_reason, sc.class_id, sc.class_number
     FROM students st LEFT JOIN student_classes sc ON sc.student_id = st.id AND sc.to_date IS NULL AND sc.year_id = $1`,
    [yearId],
  );
}

/** Inserts many students in one statement; gives each one's id by registration number. */
export async function insertStudents(q: Queryable, schoolId: string, students: StudentValues[]): Promise<{ id: string; reg_no: string }[]> {
  const cols = students.map(studentColumns);
  const col = (i: number) => cols.map((c) => c[i]);
  return q.query<{ id: string; reg_no: string }>(
    `INSERT INTO students (school_id, reg_no, strn, name_zh, name_en, sex, date_of_birth, id_type, id_sealed, id_hash, id_masked, entry_date, status,
                           leave_date, leave_reason)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::text[], $9::text[], $10::text[], $11::text[],
                              $12::date[], $13::text[], $14::date[], $15::text[])
     RETURNING id, reg_no`,
    [schoolId, ...Array.from({ length: 14 }, (_, i) => col(i))],
  );
}

/** Clears the students' identity hashes before they are rewritten (the uniqueness of an HKID is checked row by row). */
export async function releaseIdHashes(q: Queryable, studentIds: string[]): Promise<void> {
  await q.query('UPDATE students SET id_hash = NULL WHERE id = ANY($1)', [studentIds]);
}

/**
 * Ends the students' open placements in the year the day before `fromDate`. An open placement that
 * starts on or after that day never took effect before the new one: it is replaced, not kept as a
 * placement of no days that overlaps the new one.
 */
export async function closePlacements(q: Queryable, yearId: string, studentIds: string[], fromDate: string): Promise<void> {
  await q.query(`DELETE FROM student_classes WHERE year_id = $1 AND to_date IS NULL AND student_id = ANY($2) AND from_date >= $3::date`, [
    yearId,
    studentIds,
    fromDate,
  ]);
  await q.query(`UPDATE student_classes SET to_date = $3::date - 1 WHERE year_id = $1 AND to_date IS NULL AND student_id = ANY($2)`, [
    yearId,
    studentIds,
    fromDate,
  ]);
}

export interface ImportedPlacement {
  studentId: string;
  classId: string;
  classNumber: number;
  fromDate: string;
}

export async function insertPlacements(q: Queryable, schoolId: string, yearId: string, placements: ImportedPlacement[]): Promise<void> {
  await q.query(
    `INSERT INTO student_classes (school_id, student_id, year_id, class_id, class_number, from_date)
     SELECT $1, s, $2, c, n, f FROM unnest($3::uuid[], $4::uuid[], $5::int[], $6::date[]) AS x(s, c, n, f)`,
    [
      schoolId,
      yearId,
      placements.map((p) => p.studentId),
      placements.map((p) => p.classId),
      placements.map((p) => p.classNumber),
      placements.map((p) => p.fromDate),
    ],
  );
}

// ---- Staff ----------------------------------------------------------------------------------

export interface ExistingStaffRow {
  id: string;
  staff_code: string;
  name_zh: string | null;
  name_en: string;
  post: string | null;
  status: z.infer<typeof StaffStatus>;
  join_date: string | null;
  leave_date: string | null;
  email: string | null;
}

export async function listExistingStaff(q: Queryable): Promise<ExistingStaffRow[]> {
  return q.query<ExistingStaffRow>(
    'SELECT id, staff_code, name_zh, name_en, post, status, join_date::text, leave_date::text, email FROM staff',
  );
}

/** Saves the fields from a file (the account link is not in files) and moves the version on. */
export async function updateImportedStaff(q: Queryable, id: string, s: StaffValues): Promise<void> {
  await q.query(
    'UPDATE staff SET staff_code = $2, name_zh = $3, name_en = $4, post = $5, status = $6, join_date = $7, leave_date = $8, email = $9, version = version + 1 WHERE id = $1',
    [id, s.staffCode, s.nameZh, s.nameEn, s.post, s.status, s.joinDate, s.leaveDate, s.email],
  );
}

// ---- Classes --------------------------------------------------------------------------------

export interface ExistingClassRow {
  id: string;
  code: string;
  level: z.infer<typeof Level>;
  name_zh: string;
  name_en: string;
  stream: string | null;
  /** Class teachers' staff ids, sorted and joined by `;`. */
  teachers: string | null;
}

export async function listExistingClasses(q: Queryable, yearId: string | null): Promise<ExistingClassRow[]> {
  return q.query<ExistingClassRow>(
    `SELECT c.id, c.code, c.level, c.name_zh, c.name_en, c.stream,
            (SELECT string_agg(staff_id::text, ';' ORDER BY staff_id::text) FROM class_teachers t WHERE t.class_id = c.id) AS teachers
     FROM classes c WHERE c.year_id = $1`,
    [yearId],
  );
}

export interface ImportedClassFields {
  level: z.infer<typeof Level>;
  nameZh: string;
  nameEn: string;
  stream: string | null;
}

export async function updateImportedClass(q: Queryable, id: string, c: ImportedClassFields): Promise<void> {
  await q.query('UPDATE classes SET level = $2, name_zh = $3, name_en = $4, stream = $5 WHERE id = $1', [
    id,
    c.level,
    c.nameZh,
    c.nameEn,
    c.stream,
  ]);
}

export async function deleteClassTeachers(q: Queryable, classId: string): Promise<void> {
  await q.query('DELETE FROM class_teachers WHERE class_id = $1', [classId]);
}

export async function insertClassTeachers(q: Queryable, schoolId: string, classId: string, staffIds: string[]): Promise<void> {
  await q.query('INSERT INTO class_teachers (school_id, class_id, staff_id) SELECT $1, $2, t FROM unnest($3::uuid[]) AS t', [
    schoolId,
    classId,
    staffIds,
  ]);
}

// ---- Class subjects -------------------------------------------------------------------------

export interface ExistingClassSubjectRow {
  id: string;
  class_code: string;
  subject_code: string;
  class_id: string;
  subject_id: string;
  medium: z.infer<typeof Medium>;
  /** Subject teachers' staff ids, sorted and joined by `;`. */
  teachers: string | null;
}

export async function listExistingClassSubjects(q: Queryable, yearId: string | null): Promise<ExistingClassSubjectRow[]> {
  return q.query<ExistingClassSubjectRow>(
    `SELECT cs.id, c.code AS class_code, s.code AS subject_code, cs.class_id, cs.subject_id, cs.medium,
            (SELECT string_agg(staff_id::text, ';' ORDER BY staff_id::text) FROM class_subject_teachers t WHERE t.class_subject_id = cs.id) AS teachers
     FROM class_subjects cs JOIN classes c ON c.id = cs.class_id JOIN subjects s ON s.id = cs.subject_id WHERE c.year_id = $1`,
    [yearId],
  );
}

export async function updateClassSubjectMedium(q: Queryable, id: string, medium: z.infer<typeof Medium>): Promise<void> {
  await q.query('UPDATE class_subjects SET medium = $2 WHERE id = $1', [id, medium]);
}

export async function deleteClassSubjectTeachers(q: Queryable, classSubjectId: string): Promise<void> {
  await q.query('DELETE FROM class_subject_teachers WHERE class_subject_id = $1', [classSubjectId]);
}

export async function insertClassSubjectTeachers(
  q: Queryable,
  schoolId: string,
  classSubjectId: string,
  staffIds: string[],
): Promise<void> {
  await q.query(
    'INSERT INTO class_subject_teachers (school_id, class_subject_id, staff_id) SELECT $1, $2, t FROM unnest($3::uuid[]) AS t',
    [schoolId, classSubjectId, staffIds],
  );
}

// ---- After a bulk load ----------------------------------------------------------------------

/** Refreshes the planner's statistics of the record tables (the embedded database runs no autovacuum). */
export async function analyzeRecordTables(q: Queryable): Promise<void> {
  await q.query('ANALYZE students, student_classes, staff, classes, class_teachers, class_subjects, class_subject_teachers');
}
