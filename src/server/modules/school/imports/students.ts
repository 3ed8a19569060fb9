import type { z } from 'zod';
import { StudentFields } from '../../../../contracts/school.js';
import { AppError } from '../../../core/errors.js';
import { importedPlacementFrom } from '../policy.js';
import {
  closePlacements,
  type ExistingStudentRow,
  insertPlacements,
  insertStudents,
  listExistingStudents,
  releaseIdHashes,
} from '../queries/imports.js';
import { updateStudentRow } from '../queries/students.js';
import { maskId } from '../identity.js';
import { cleanStudent, studentValues } from '../students/edit.js';
import type { Existing, Spec } from './spec.js';
import { toStoredStudentFacts } from '../views.js';

/**
 * A student row: the particulars, and the place in a current-year class if the file gives one. The
 * identity number is compared with the stored one by its keyed hash (`idHash`); the plain number is
 * only sealed and written.
 */
type StudentRecord = z.infer<typeof StudentFields> & { idHash: string; classId?: string; classNumber?: number };

const storedFields = (r: ExistingStudentRow) => ({
  ...toStoredStudentFacts(r),
  classId: r.class_id,
  classNumber: r.class_number,
});
type StoredStudent = ReturnType<typeof storedFields>;

/** The column that shows what a student's particulars were refused for. */
const COLUMN_OF: Record<string, string> = { hkid_invalid: 'id_number', strn_invalid: 'strn' };

export const studentsSpec: Spec<z.infer<typeof StudentFields>, StudentRecord, StoredStudent> = {
  columns: {
    reg_no: 'regNo',
    strn: 'strn',
    name_zh: 'nameZh',
    name_en: 'nameEn',
    sex: 'sex',
    date_of_birth: 'dateOfBirth',
    id_type: 'idType',
    id_number: 'idNumber',
    entry_date: 'entryDate',
    status: 'status',
    leave_date: 'leaveDate',
    leave_reason: 'leaveReason',
    class: 'classCode',
    class_number: 'classNumber',
  },
  required: ['reg_no', 'name_en', 'sex', 'date_of_birth', 'id_type', 'id_number', 'entry_date'],
  schema: StudentFields,
  beside: ['classCode', 'classNumber'],
  keyField: 'regNo',
  keyColumn: 'reg_no',
  currentYear: { column: 'class', needed: (plans) => plans.some((p) => p.fields.classId) },
  tracksPlacement: true,
  notCompared: ['idNumber'],
  clean(row, beside, ctx, issue) {
    let out: StudentRecord;
    try {
      const clean = cleanStudent(row);
      out = { ...clean, idHash: ctx.ids.hash(clean.idNumber) };
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'invalid';
      issue(COLUMN_OF[code] ?? 'entry_date', code);
      return null;
    }
    const classCode = typeof beside.classCode === 'string' ? beside.classCode.toUpperCase() : '';
    const num = beside.classNumber === undefined ? undefined : Number(beside.classNumber);
    if (classCode || num !== undefined) {
      if (!classCode) return (issue('class', 'required'), null);
      if (num === undefined || !Number.isInteger(num) || num < 1 || num > 99) return (issue('class_number', 'invalid_number'), null);
      const classId = ctx.classes.get(classCode);
      if (!classId) return (issue('class', 'unknown_class'), null);
      out.classId = classId;
      out.classNumber = num;
    }
    return out;
  },
  async existing(ctx) {
    const rows = await listExistingStudents(ctx.q, ctx.yearId);
    return new Map(rows.map((r): [string, Existing<StoredStudent>] => [r.reg_no, { id: r.id, fields: storedFields(r) }]));
  },
  crossCheck(plans, _ctx, existing, issue) {
    const strns = new Map<string, string>();
    for (const [regNo, e] of existing) if (e.fields.strn) strns.set(e.fields.strn, regNo);
    // One HKID is one student: by keyed hash, held by a stored student or by an earlier row of this file.
    const hkids = new Map<string, { regNo: string; inFile: boolean }>();
    for (const [regNo, e] of existing)
      if (e.fields.idType === 'hkid' && e.fields.idHash) hkids.set(e.fields.idHash, { regNo, inFile: false });
    for (const p of plans) {
      const old = existing.get(p.key)?.fields;
      if (old?.idHash && hkids.get(old.idHash)?.regNo === p.key) hkids.delete(old.idHash);
    }
    const places = new Map<string, string>(); // class:number → reg no. (after this import)
    for (const [regNo, e] of existing) if (e.fields.classId) places.set(`${e.fields.classId}:${e.fields.classNumber}`, regNo);
    // Students placed by this file leave their old places first.
    for (const p of plans) {
      const old = existing.get(p.key)?.fields;
      if (p.fields.classId !== undefined && old?.classId) places.delete(`${old.classId}:${old.classNumber}`);
    }
    for (const p of plans) {
      const f = p.fields;
      if (f.idType === 'hkid') {
        const holder = hkids.get(f.idHash);
        // The issue shows the number masked: enough to find the row, no more.
        if (holder && holder.regNo !== p.key)
          issue(p.row, 'id_number', maskId(f.idType, f.idNumber), holder.inFile ? 'duplicate_in_file' : 'id_number_taken');
        else hkids.set(f.idHash, { regNo: p.key, inFile: true });
      }
      if (f.strn) {
        const owner = strns.get(f.strn);
        if (owner && owner !== p.key) issue(p.row, 'strn', f.strn, owner === '' ? 'duplicate_in_file' : 'strn_taken');
        strns.set(f.strn, p.key);
      }
      if (f.classId) {
        const place = `${f.classId}:${f.classNumber}`;
        const holder = places.get(place);
        if (holder && holder !== p.key) issue(p.row, 'class_number', String(f.classNumber), 'class_number_taken');
        places.set(place, p.key);
      }
    }
  },
  async apply(ctx, plans, schoolId) {
    const ids = new Map<string, string>();
    const creates = plans.filter((p) => p.action === 'create');
    const protect = await ctx.ids.sealer();
    const values = (f: StudentRecord) => studentValues(f, protect(f.idType, f.idNumber));
    // Students updated by this file let go of their numbers first, so numbers can move between students within one file.
    const updating = plans.flatMap((p) => (p.action === 'update' && p.existingId ? [p.existingId] : []));
    if (updating.length) await releaseIdHashes(ctx.q, updating);
    if (creates.length) {
      for (const r of await insertStudents(
        ctx.q,
        schoolId,
        creates.map((p) => values(p.fields)),
      ))
        ids.set(r.reg_no, r.id);
    }
    for (const p of plans) {
      if (p.existingId) ids.set(p.key, p.existingId);
      if (p.action === 'update' && p.existingId) await updateStudentRow(ctx.q, p.existingId, values(p.fields));
    }
    // Placements that change: close the old ones first, so numbers can be swapped within one file.
    const moving = plans.flatMap((p) => {
      const { classId, classNumber, entryDate } = p.fields;
      if (!p.placementChanged || !classId || classNumber === undefined) return [];
      const studentId = ids.get(p.key);
      if (!studentId) throw new Error('imported student has no id');
      return [
        { studentId, classId, classNumber, fromDate: importedPlacementFrom(p.action === 'create', entryDate, ctx.yearStart, ctx.today) },
      ];
    });
    if (moving.length && ctx.yearId) {
      const studentIds = moving.map((m) => m.studentId);
      await closePlacements(ctx.q, ctx.yearId, studentIds, ctx.today);
      await insertPlacements(ctx.q, schoolId, ctx.yearId, moving);
    }
  },
};
