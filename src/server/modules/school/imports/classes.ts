import { ClassCreateBody } from '../../../../contracts/school.js';
import type { z } from 'zod';
import {
  deleteClassTeachers,
  type ExistingClassRow,
  insertClassTeachers,
  listExistingClasses,
  updateImportedClass,
} from '../queries/imports.js';
import { insertClass } from '../queries/years-classes-subjects.js';
import { CODES, type Existing, type Spec, teacherIdsOf, teacherList } from './spec.js';

const schema = ClassCreateBody.omit({ yearId: true, teacherIds: true }).extend({ teacherCodes: CODES });
type ClassRow = z.infer<typeof schema>;
/** A class of the current year; `teacherIds` are the class teachers' staff ids, sorted and joined by `;`. */
type ClassRecord = Omit<ClassRow, 'teacherCodes'> & { teacherIds: string };

const storedFields = (r: ExistingClassRow) => ({
  code: r.code,
  level: r.level,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  stream: r.stream,
  teacherIds: r.teachers ?? '',
});
type StoredClass = ReturnType<typeof storedFields>;

export const classesSpec: Spec<ClassRow, ClassRecord, StoredClass> = {
  kind: 'classes',
  schema,
  keyOf: (row) => row.code,
  keyColumn: 'code',
  alsoCompared: ['teacherIds'],
  currentYear: { column: 'code', needed: () => true },
  clean(row, _beside, { ctx, prev, present }, issue) {
    const { teacherCodes, ...rest } = row;
    // Without the column, the class keeps its teachers.
    const teacherIds = !present.has('teacherCodes') && prev ? prev.fields.teacherIds : teacherIdsOf(teacherCodes, ctx);
    if (teacherIds === null) issue('class_teachers', 'unknown_staff');
    return teacherIds === null ? rest : { ...rest, teacherIds };
  },
  async existing(ctx) {
    const rows = await listExistingClasses(ctx.q, ctx.yearId);
    return new Map(rows.map((r): [string, Existing<StoredClass>] => [r.code, { id: r.id, fields: storedFields(r) }]));
  },
  async apply(ctx, plans, schoolId) {
    for (const p of plans) {
      if (p.action === 'unchanged') continue;
      const f = p.fields;
      let id = p.existingId;
      if (p.action === 'create') {
        // The pipeline refuses a classes file while there is no current year.
        if (!ctx.yearId) throw new Error('classes imported without a current year');
        id = await insertClass(ctx.q, schoolId, {
          yearId: ctx.yearId,
          code: f.code,
          level: f.level,
          nameZh: f.nameZh,
          nameEn: f.nameEn,
          stream: f.stream ?? null,
        });
      } else if (id) {
        await updateImportedClass(ctx.q, id, { level: f.level, nameZh: f.nameZh, nameEn: f.nameEn, stream: f.stream ?? null });
        await deleteClassTeachers(ctx.q, id);
      }
      const teachers = teacherList(f.teacherIds);
      if (id && teachers.length) await insertClassTeachers(ctx.q, schoolId, id, teachers);
    }
  },
};
