import type { z } from 'zod';
import type { ClassCreateBody, ClassSubjectCreateBody, ClassSubjectView, ClassView } from '../../../contracts/school.js';
import { type Actor, who } from '../../core/auth/actor.js';
import { audit } from '../../core/audit/audit.js';
import { uniqueViolation } from '../../core/db/unique.js';
import { hongKongDate } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { assertVisible, type SchoolDeps } from './common.js';
import {
  findClassYearId,
  findCurrentYearId,
  insertClass,
  insertClassSubject,
  insertClassSubjectTeacher,
  insertClassTeacher,
  listClassRows,
  listClassSubjectRows,
} from './queries/years-classes-subjects.js';
import { toClassSubjectView, toClassView } from './views.js';
import { assertYearWritable } from './years.js';

/** The classes of a year (the current one when none is named). */
export async function listClasses(d: SchoolDeps, schoolId: string, yearId?: string): Promise<z.infer<typeof ClassView>[]> {
  return d.db.school(schoolId, async (q) => {
    const year = yearId ?? (await findCurrentYearId(q));
    if (!year) return [];
    return (await listClassRows(q, year, hongKongDate(d.clock.now()))).map(toClassView);
  });
}

export async function createClass(d: SchoolDeps, a: Actor, b: z.infer<typeof ClassCreateBody>): Promise<string> {
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      await assertYearWritable(q, b.yearId);
      await assertVisible(q, 'staff', b.teacherIds);
      const id = await insertClass(q, a.schoolId, {
        yearId: b.yearId,
        code: b.code,
        level: b.level,
        nameZh: b.nameZh,
        nameEn: b.nameEn,
        stream: b.stream ?? null,
      });
      for (const t of new Set(b.teacherIds)) await insertClassTeacher(q, a.schoolId, id, t);
      await audit(q, d.clock, {
        ...who(a),
        action: 'school.class_created',
        target: `class:${id}`,
        details: { code: b.code, level: b.level, teachers: b.teacherIds },
      });
      return id;
    });
  } catch (err) {
    throw uniqueViolation(err, { classes_year_id_code_key: 'class_code_taken' });
  }
}

export async function createClassSubject(d: SchoolDeps, a: Actor, b: z.infer<typeof ClassSubjectCreateBody>): Promise<string> {
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const yearId = await findClassYearId(q, b.classId);
      if (!yearId) throw new AppError('not_found');
      await assertYearWritable(q, yearId);
      await assertVisible(q, 'subjects', [b.subjectId]);
      await assertVisible(q, 'staff', b.teacherIds);
      const id = await insertClassSubject(q, a.schoolId, { classId: b.classId, subjectId: b.subjectId, medium: b.medium });
      for (const t of new Set(b.teacherIds)) await insertClassSubjectTeacher(q, a.schoolId, id, t);
      await audit(q, d.clock, {
        ...who(a),
        action: 'school.class_subject_created',
        target: `class_subject:${id}`,
        details: { class: b.classId, subject: b.subjectId, medium: b.medium },
      });
      return id;
    });
  } catch (err) {
    throw uniqueViolation(err, { class_subjects_class_id_subject_id_key: 'conflict' });
  }
}

export async function listClassSubjects(d: SchoolDeps, schoolId: string, classId: string): Promise<z.infer<typeof ClassSubjectView>[]> {
  const rows = await d.db.school(schoolId, async (q) => {
    await assertVisible(q, 'classes', [classId]);
    return listClassSubjectRows(q, classId);
  });
  return rows.map(toClassSubjectView);
}
