import type { z } from 'zod';
import { ClassSubjectCreateBody } from '../../../../contracts/school.js';
import {
  deleteClassSubjectTeachers,
  type ExistingClassSubjectRow,
  insertClassSubjectTeachers,
  listExistingClassSubjects,
  updateClassSubjectMedium,
} from '../queries/imports.js';
import { insertClassSubject } from '../queries/years-classes-subjects.js';
import { CODE, CODES, type Existing, type Spec, teacherIdsOf, teacherList } from './spec.js';

const schema = ClassSubjectCreateBody.omit({ classId: true, subjectId: true, teacherIds: true }).extend({
  classCode: CODE,
  subjectCode: CODE,
  teacherCodes: CODES,
});
type ClassSubjectRow = z.infer<typeof schema>;

/** A subject taught in a current-year class, keyed `class/subject`; teachers' staff ids sorted and joined by `;`. */
interface ClassSubjectRecord {
  [field: string]: unknown;
  key: string;
  classId: string;
  subjectId: string;
  medium: ClassSubjectRow['medium'];
  teacherIds: string;
}

const storedFields = (r: ExistingClassSubjectRow) => ({
  key: `${r.class_code}/${r.subject_code}`,
  classId: r.class_id,
  subjectId: r.subject_id,
  medium: r.medium,
  teacherIds: r.teachers ?? '',
});
type StoredClassSubject = ReturnType<typeof storedFields>;

export const classSubjectsSpec: Spec<ClassSubjectRow, ClassSubjectRecord, StoredClassSubject> = {
  kind: 'class_subjects',
  schema,
  keyOf: (row) => (row.classCode && row.subjectCode ? `${row.classCode}/${row.subjectCode}` : undefined),
  keyColumn: 'subject_code',
  alsoCompared: ['teacherIds'],
  currentYear: { column: 'class', needed: () => true },
  clean(row, _beside, { ctx, prev, present }, issue) {
    const classId = row.classCode ? ctx.classes.get(row.classCode) : undefined;
    if (row.classCode && !classId) issue('class', 'unknown_class');
    const subjectId = row.subjectCode ? ctx.subjects.get(row.subjectCode) : undefined;
    if (row.subjectCode && !subjectId) issue('subject_code', 'unknown_subject');
    // Without the column, the subject keeps its teachers.
    const teacherIds = !present.has('teacherCodes') && prev ? prev.fields.teacherIds : teacherIdsOf(row.teacherCodes, ctx);
    if (teacherIds === null) issue('teachers', 'unknown_staff');
    return {
      key: row.classCode && row.subjectCode ? `${row.classCode}/${row.subjectCode}` : undefined,
      classId,
      subjectId,
      medium: row.medium,
      teacherIds: teacherIds ?? undefined,
    };
  },
  async existing(ctx) {
    const rows = await listExistingClassSubjects(ctx.q, ctx.yearId);
    return new Map(
      rows.map((r): [string, Existing<StoredClassSubject>] => [`${r.class_code}/${r.subject_code}`, { id: r.id, fields: storedFields(r) }]),
    );
  },
  async apply(ctx, plans, schoolId) {
    for (const p of plans) {
      if (p.action === 'unchanged') continue;
      const f = p.fields;
      let id = p.existingId;
      if (p.action === 'create') {
        id = await insertClassSubject(ctx.q, schoolId, { classId: f.classId, subjectId: f.subjectId, medium: f.medium });
      } else if (id) {
        await updateClassSubjectMedium(ctx.q, id, f.medium);
        await deleteClassSubjectTeachers(ctx.q, id);
      }
      const teachers = teacherList(f.teacherIds);
      if (id && teachers.length) await insertClassSubjectTeachers(ctx.q, schoolId, id, teachers);
    }
  },
};
