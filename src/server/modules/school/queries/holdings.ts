import type { Queryable } from '../../../core/db/types.js';

export interface ClassTeacherHoldingRow {
  id: string;
  code: string;
  year: string;
}

/** Classes the person is class teacher of, in years not yet finished. */
export async function listClassTeacherHoldings(q: Queryable, userId: string): Promise<ClassTeacherHoldingRow[]> {
  return q.query<ClassTeacherHoldingRow>(
    `SELECT c.id, c.code, y.code AS year FROM class_teachers ct JOIN staff sf ON sf.id = ct.staff_id JOIN classes c ON c.id = ct.class_id
     JOIN school_years y ON y.id = c.year_id WHERE sf.user_id = $1 AND y.status <> 'finished' ORDER BY c.code`,
    [userId],
  );
}

/** Adds a class teacher unless they are one already. */
export async function addClassTeacher(q: Queryable, schoolId: string, classId: string, staffId: string): Promise<void> {
  await q.query('INSERT INTO class_teachers (school_id, class_id, staff_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    schoolId,
    classId,
    staffId,
  ]);
}

/** Removes the person (through their staff record) as class teacher of the class. */
export async function removeClassTeacherOfUser(q: Queryable, userId: string, classId: string): Promise<void> {
  await q.query('DELETE FROM class_teachers ct USING staff sf WHERE ct.staff_id = sf.id AND sf.user_id = $1 AND ct.class_id = $2', [
    userId,
    classId,
  ]);
}

export interface SubjectTeacherHoldingRow {
  id: string;
  class_code: string;
  subject: string;
  subject_zh: string;
}

/** Class subjects the person teaches, in years not yet finished. */
export async function listSubjectTeacherHoldings(q: Queryable, userId: string): Promise<SubjectTeacherHoldingRow[]> {
  return q.query<SubjectTeacherHoldingRow>(
    `SELECT cs.id, c.code AS class_code, sj.name_en AS subject, sj.name_zh AS subject_zh FROM class_subject_teachers t JOIN staff sf ON sf.id = t.staff_id
     JOIN class_subjects cs ON cs.id = t.class_subject_id JOIN classes c ON c.id = cs.class_id JOIN subjects sj ON sj.id = cs.subject_id
     JOIN school_years y ON y.id = c.year_id WHERE sf.user_id = $1 AND y.status <> 'finished' ORDER BY c.code, sj.code`,
    [userId],
  );
}

/** Adds a subject teacher unless they are one already. */
export async function addSubjectTeacher(q: Queryable, schoolId: string, classSubjectId: string, staffId: string): Promise<void> {
  await q.query('INSERT INTO class_subject_teachers (school_id, class_subject_id, staff_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    schoolId,
    classSubjectId,
    staffId,
  ]);
}

/** Removes the person (through their staff record) as a teacher of the class subject. */
export async function removeSubjectTeacherOfUser(q: Queryable, userId: string, classSubjectId: string): Promise<void> {
  await q.query(
    'DELETE FROM class_subject_teachers t USING staff sf WHERE t.staff_id = sf.id AND sf.user_id = $1 AND t.class_subject_id = $2',
    [userId, classSubjectId],
  );
}
