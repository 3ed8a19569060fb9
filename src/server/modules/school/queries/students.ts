import type { z } from 'zod';
import type { IdType, StudentStatus } from '../../../../contracts/school.js';
import type { Queryable } from '../../../core/db/types.js';
import { likePattern, returnedId } from './sql.js';

/** Classes the person teaches or is class teacher of (through their staff record). */
export const OWN_CLASSES_SQL = `(
  SELECT ct.class_id FROM class_teachers ct JOIN staff sf ON sf.id = ct.staff_id WHERE sf.user_id = $OWNER
  UNION
  SELECT cs.class_id FROM class_subject_teachers cst JOIN class_subjects cs ON cs.id = cst.class_subject_id
  JOIN staff sf ON sf.id = cst.staff_id WHERE sf.user_id = $OWNER)`;

/**
 * The data scope as SQL on the student's current placement `sc`: the whole school (`ownClassesOf`
 * null), or only the classes the person with that user id teaches or is class teacher of.
 */
function scopeCondition(ownClassesOf: string | null, params: unknown[]): string {
  if (ownClassesOf === null) return 'true';
  params.push(ownClassesOf);
  return `sc.class_id IN ${OWN_CLASSES_SQL.replaceAll('$OWNER', `$${params.length}`)}`;
}

/**
 * What a search looks through: registration number, STRN, English name and the Chinese name without
 * its spaces. The same expression as the trigram index `students_search` (migration 0025).
 */
const STUDENT_SEARCH_TEXT = `(st.reg_no || ' ' || coalesce(st.strn, '') || ' ' || st.name_en || ' ' || translate(coalesce(st.name_zh, ''), ' \u3000', ''))`;

const FROM = `FROM students st
  LEFT JOIN student_classes sc ON sc.student_id = st.id AND sc.to_date IS NULL AND sc.year_id = (SELECT id FROM school_years WHERE status = 'current')
  LEFT JOIN classes c ON c.id = sc.class_id`;
const LIST_COLS =
  'st.id, st.reg_no, st.strn, st.name_zh, st.name_en, st.sex, st.status, sc.class_id, c.code AS class_code, sc.class_number';

/** A student with their placement in the current year, if any. */
export interface StudentRow {
  id: string;
  reg_no: string;
  strn: string | null;
  name_zh: string | null;
  name_en: string;
  sex: 'M' | 'F';
  status: z.infer<typeof StudentStatus>;
  class_id: string | null;
  class_code: string | null;
  class_number: number | null;
}
export interface StudentListRow extends StudentRow {
  /** Rows matching the filter, before paging. */
  total: number;
}
export interface StudentDetailRow extends StudentRow {
  date_of_birth: string;
  id_type: z.infer<typeof IdType>;
  /** The identity number sealed under the school's data key; only the reveal opens it. */
  id_sealed: string;
  id_hash: string | null;
  id_masked: string;
  entry_date: string;
  leave_date: string | null;
  leave_reason: string | null;
  version: number;
}

export interface StudentFilter {
  /** Part of a Chinese or English name (spaces aside), an STRN or a registration number (or, by its hash, a whole identity number). */
  q?: string;
  classId?: string;
  status?: z.infer<typeof StudentStatus>;
  limit: number;
  offset: number;
}

/**
 * `idHash` is the keyed hash of `f.q` read as an identity number: a whole number finds its student
 * without any number being decrypted.
 */
export async function listStudentRows(
  q: Queryable,
  ownClassesOf: string | null,
  f: StudentFilter,
  idHash?: string,
): Promise<StudentListRow[]> {
  const params: unknown[] = [];
  const where = [scopeCondition(ownClassesOf, params)];
  if (f.q) {
    // As typed (an English name keeps its spaces) and without spaces or brackets (a Chinese name, a part of an STRN).
    params.push(likePattern(f.q), likePattern(f.q.replace(/[\s()\u3000]/g, '')), idHash ?? null);
    const [like, compact, hash] = [params.length - 2, params.length - 1, params.length];
    where.push(`(${STUDENT_SEARCH_TEXT} ILIKE $${like} OR ${STUDENT_SEARCH_TEXT} ILIKE $${compact} OR st.id_hash = $${hash})`);
  }
  if (f.classId) {
    params.push(f.classId);
    where.push(`sc.class_id = $${params.length}`);
  }
  if (f.status) {
    params.push(f.status);
    where.push(`st.status = $${params.length}`);
  }
  params.push(f.limit, f.offset);
  return q.query<StudentListRow>(
    `SELECT ${LIST_COLS}, count(*) OVER () AS total ${FROM} WHERE ${where.join(' AND ')}
     ORDER BY c.code NULLS LAST, sc.class_number, st.reg_no LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
}

/** One student within the scope (undefined outside it); `lock` takes the student's row for update. */
export async function findStudent(
  q: Queryable,
  id: string,
  ownClassesOf: string | null,
  lock: boolean,
): Promise<StudentDetailRow | undefined> {
  const params: unknown[] = [id];
  const scope = scopeCondition(ownClassesOf, params);
  const [r] = await q.query<StudentDetailRow>(
    `SELECT ${LIST_COLS}, st.date_of_birth::text, st.id_type, st.id_sealed, st.id_hash, st.id_masked, st.entry_date::text, st.leave_date::text, st.leave_reason, st.version
     ${FROM} WHERE st.id = $1 AND ${scope}${lock ? ' FOR UPDATE OF st' : ''}`,
    params,
  );
  return r;
}

export interface PlacementHistoryRow {
  year_code: string;
  class_code: string;
  class_number: number;
  from_date: string;
  to_date: string | null;
}

/** Every placement of a student, latest first. */
export async function listPlacementHistory(q: Queryable, studentId: string): Promise<PlacementHistoryRow[]> {
  return q.query<PlacementHistoryRow>(
    `SELECT y.code AS year_code, c.code AS class_code, sc.class_number, sc.from_date::text, sc.to_date::text
     FROM student_classes sc JOIN classes c ON c.id = sc.class_id JOIN school_years y ON y.id = sc.year_id
     WHERE sc.student_id = $1 ORDER BY sc.from_date DESC, sc.to_date DESC NULLS FIRST`,
    [studentId],
  );
}

/**
 * A student's particulars as written (absent values already null), in the column order of the table.
 * The identity number only in its stored forms (`students/id-at-rest.ts`), never plain.
 */
export interface StudentValues {
  regNo: string;
  strn: string | null;
  nameZh: string | null;
  nameEn: string;
  sex: 'M' | 'F';
  dateOfBirth: string;
  idType: z.infer<typeof IdType>;
  idSealed: string;
  /** Null only for a number stored before encryption that another student of the school already had. */
  idHash: string | null;
  idMasked: string;
  entryDate: string;
  status: z.infer<typeof StudentStatus>;
  leaveDate: string | null;
  leaveReason: string | null;
}

/** The values in the order the INSERT and UPDATE below (and the import's batch insert) take them. */
export const studentColumns = (s: StudentValues) =>
  [
    s.regNo,
    s.strn,
    s.nameZh,
    s.nameEn,
    s.sex,
    s.dateOfBirth,
    s.idType,
    s.idSealed,
    s.idHash,
    s.idMasked,
    s.entryDate,
    s.status,
    s.leaveDate,
    s.leaveReason,
  ] as const;

export async function insertStudent(q: Queryable, schoolId: string, s: StudentValues): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO students (school_id, reg_no, strn, name_zh, name_en, sex, date_of_birth, id_type, id_sealed, id_hash, id_masked, entry_date, status,
                           leave_date, leave_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
    [schoolId, ...studentColumns(s)],
  );
  return returnedId(rows, 'student');
}

/** Saves the particulars and moves the version on. */
export async function updateStudentRow(q: Queryable, id: string, s: StudentValues): Promise<void> {
  await q.query(
    `UPDATE students SET reg_no = $2, strn = $3, name_zh = $4, name_en = $5, sex = $6, date_of_birth = $7, id_type = $8, id_sealed = $9,
            id_hash = $10, id_masked = $11, id_number = NULL, entry_date = $12, status = $13, leave_date = $14, leave_reason = $15,
            version = version + 1 WHERE id = $1`,
    [id, ...studentColumns(s)],
  );
}

/** Ends the student's open placement in the year the day before `fromDate` (never before it began). */
export async function closeOpenPlacement(q: Queryable, studentId: string, yearId: string, fromDate: string): Promise<void> {
  await q.query(
    `UPDATE student_classes SET to_date = greatest(from_date, $3::date - 1) WHERE student_id = $1 AND year_id = $2 AND to_date IS NULL`,
    [studentId, yearId, fromDate],
  );
}

export interface NewPlacement {
  studentId: string;
  yearId: string;
  classId: string;
  classNumber: number;
  fromDate: string;
}

export async function insertPlacement(q: Queryable, schoolId: string, p: NewPlacement): Promise<void> {
  await q.query(
    'INSERT INTO student_classes (school_id, student_id, year_id, class_id, class_number, from_date) VALUES ($1, $2, $3, $4, $5, $6)',
    [schoolId, p.studentId, p.yearId, p.classId, p.classNumber, p.fromDate],
  );
}
