import { z } from 'zod';
import { ContactImportFields } from '../../../../contracts/particulars.js';
import { StudentFields } from '../../../../contracts/school.js';
import { maskId, normaliseHkid, normaliseStrn } from '../identity.js';
import { importedPlacementFrom, placementDateInYear, studentDatesInOrder } from '../policy.js';
import {
  closePlacements,
  type ExistingStudentRow,
  insertPlacements,
  insertStudents,
  listExistingStudents,
  releaseIdHashes,
} from '../queries/imports.js';
import { updateStudentRow } from '../queries/students.js';
import type { StoredId } from '../students/id-at-rest.js';
import { studentValues } from '../students/edit.js';
import { toStoredStudentFacts } from '../views.js';
import type { Checked, Existing, Spec } from './spec.js';
import { applyContactFields, cleanContactFields, listStoredContactFields } from './student-contacts.js';

/** A row: the student's particulars and their contacts (address, phones, guardians 1–3), each cell checked as the forms check it. */
const StudentImportFields = z.strictObject({ ...StudentFields.shape, ...ContactImportFields.shape });
type StudentRow = z.infer<typeof StudentImportFields>;

/**
 * A student row: the particulars, and the place in a current-year class if the file gives one. The
 * identity number is compared with the stored one by its keyed hash (`idHash`); the plain number is
 * only sealed and written. A row without a number keeps the stored one (`keptId`) as it is.
 */
type StudentRecord = Omit<StudentRow, 'idNumber'> & {
  idNumber?: string;
  idHash: string | null;
  keptId?: StoredId;
  classId?: string;
  classNumber?: number;
};

const storedFields = (r: ExistingStudentRow, contacts: z.infer<typeof ContactImportFields> | undefined) => ({
  ...toStoredStudentFacts(r),
  ...contacts,
  idSealed: r.id_sealed,
  idMasked: r.id_masked,
  classId: r.class_id,
  classNumber: r.class_number,
});
type StoredStudent = ReturnType<typeof storedFields>;

export const studentsSpec: Spec<StudentRow, StudentRecord, StoredStudent> = {
  kind: 'students',
  schema: StudentImportFields,
  beside: ['classCode', 'classNumber'],
  keyOf: (row) => row.regNo,
  keyColumn: 'reg_no',
  keptWhenBlank: ['idNumber'],
  currentYear: { column: 'class', needed: (rows) => rows.some((r) => r.fields.classId) },
  tracksPlacement: true,
  notCompared: ['idNumber'],
  alsoCompared: ['idHash'],
  clean(row, beside, { ctx, prev }, issue) {
    const out: Partial<StudentRecord> = { ...row, idNumber: undefined };
    if (row.idNumber !== undefined) {
      const idNumber = row.idType === 'hkid' ? normaliseHkid(row.idNumber) : row.idNumber;
      if (idNumber === null) issue('id_number', 'hkid_invalid');
      else if (row.idType) Object.assign(out, { idNumber, idHash: ctx.ids.hash(idNumber) });
    } else if (prev) {
      // Left out: the stored number stays, as long as the document type does too (a new type needs its number).
      const f = prev.fields;
      if (row.idType !== undefined && row.idType !== f.idType) issue('id_number', 'required');
      else Object.assign(out, { idHash: f.idHash, keptId: { sealed: f.idSealed, hash: f.idHash, masked: f.idMasked } });
    }
    if (row.strn) {
      const strn = normaliseStrn(row.strn);
      if (strn === null) issue('strn', 'strn_invalid');
      out.strn = strn ?? undefined;
    }
    if (row.entryDate && !studentDatesInOrder(row.dateOfBirth ?? '', row.entryDate, row.leaveDate))
      issue(row.dateOfBirth && row.dateOfBirth >= row.entryDate ? 'entry_date' : 'leave_date', 'dates_out_of_order');
    // The new year's intake enters during the new year: an earlier date would put them on roll in the old one.
    const w = ctx.entryWithin;
    if (w && row.entryDate && !placementDateInYear(row.entryDate, w.from, w.to)) issue('entry_date', 'intake_entry_date');

    const classCode = typeof beside.classCode === 'string' ? beside.classCode.toUpperCase() : '';
    const num = beside.classNumber === undefined ? undefined : Number(beside.classNumber);
    if (classCode || num !== undefined) {
      const classId = classCode ? ctx.classes.get(classCode) : undefined;
      if (!classCode) issue('class', 'required');
      else if (!classId) issue('class', 'unknown_class');
      if (num === undefined || !Number.isInteger(num) || num < 1 || num > 99) issue('class_number', 'invalid_number');
      else if (classId) Object.assign(out, { classId, classNumber: num });
    }
    return { ...out, ...cleanContactFields(row, issue) };
  },
  async existing(ctx) {
    const rows = await listExistingStudents(ctx.q, ctx.yearId);
    const contacts = await listStoredContactFields(
      ctx.q,
      rows.map((r) => r.id),
    );
    return new Map(
      rows.map((r): [string, Existing<StoredStudent>] => [r.reg_no, { id: r.id, fields: storedFields(r, contacts.get(r.id)) }]),
    );
  },
  crossCheck(rows, _ctx, existing, issue) {
    // Each identity number, STRN and place is held by one student: stored students hold theirs unless
    // this file rewrites them (then their row claims it again, possibly changed), and rows claim theirs in order.
    const inFile = new Set(rows.flatMap((r) => (r.key !== null && existing.has(r.key) ? [r.key] : [])));
    const hkids = new Map<string, { regNo: string; inFile: boolean }>();
    const strns = new Map<string, { regNo: string; inFile: boolean }>();
    const places = new Map<string, { regNo: string; inFile: boolean }>(); // class:number
    for (const [regNo, e] of existing) {
      const f = e.fields;
      if (inFile.has(regNo)) continue;
      if (f.idType === 'hkid' && f.idHash) hkids.set(f.idHash, { regNo, inFile: false });
      if (f.strn) strns.set(f.strn, { regNo, inFile: false });
      if (f.classId) places.set(`${f.classId}:${f.classNumber}`, { regNo, inFile: false });
    }
    // A stored student whose row gives no class keeps their place; one whose row gives no number keeps it.
    for (const r of rows) {
      const old = r.key === null ? undefined : existing.get(r.key)?.fields;
      if (!old || r.key === null) continue;
      if (old.classId && r.fields.classId === undefined) places.set(`${old.classId}:${old.classNumber}`, { regNo: r.key, inFile: false });
      if (old.idType === 'hkid' && old.idHash && !r.fields.idHash) hkids.set(old.idHash, { regNo: r.key, inFile: false });
    }
    const claim = (held: Map<string, { regNo: string; inFile: boolean }>, value: string, r: Checked<StudentRecord>) => {
      const holder = held.get(value);
      const regNo = r.key ?? `row ${r.row}`;
      if (holder && holder.regNo !== regNo) return holder;
      held.set(value, { regNo, inFile: true });
      return undefined;
    };
    for (const r of rows) {
      const f = r.fields;
      if (f.idType === 'hkid' && f.idHash) {
        const holder = claim(hkids, f.idHash, r);
        // The issue shows the number masked: enough to find the row, no more.
        const shown = f.idNumber ? maskId(f.idType, f.idNumber) : (f.keptId?.masked ?? '');
        if (holder) issue(r.row, 'id_number', shown, holder.inFile ? 'duplicate_in_file' : 'id_number_taken');
      }
      if (f.strn) {
        const holder = claim(strns, f.strn, r);
        if (holder) issue(r.row, 'strn', f.strn, holder.inFile ? 'duplicate_in_file' : 'strn_taken');
      }
      if (f.classId) {
        const holder = claim(places, `${f.classId}:${f.classNumber}`, r);
        if (holder) issue(r.row, 'class_number', String(f.classNumber), 'class_number_taken');
      }
    }
  },
  async apply(ctx, plans, schoolId, existing) {
    const ids = new Map<string, string>();
    const creates = plans.filter((p) => p.action === 'create');
    const protect = await ctx.ids.sealer();
    const values = (f: StudentRecord) => {
      const stored = f.keptId ?? (f.idNumber === undefined ? undefined : protect(f.idType, f.idNumber));
      if (!stored) throw new Error('imported student has no identity number');
      return studentValues(f, stored);
    };
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
    await applyContactFields(
      ctx.q,
      schoolId,
      plans.flatMap((p) => {
        const studentId = ids.get(p.key);
        return studentId && p.action !== 'unchanged' ? [{ studentId, fields: p.fields, stored: existing.get(p.key)?.fields }] : [];
      }),
    );
    // Placements that change start on the file's day: the old ones close the day before (so numbers can be swapped within one file).
    const from = ctx.placementsFrom;
    if (!from || !ctx.yearId) return;
    const moving = plans.flatMap((p) => {
      const { classId, classNumber, entryDate } = p.fields;
      if (!p.placementChanged || !classId || classNumber === undefined) return [];
      const studentId = ids.get(p.key);
      if (!studentId) throw new Error('imported student has no id');
      return [{ studentId, classId, classNumber, fromDate: importedPlacementFrom(from, entryDate) }];
    });
    for (const fromDate of new Set(moving.map((m) => m.fromDate))) {
      const studentIds = moving.filter((m) => m.fromDate === fromDate).map((m) => m.studentId);
      await closePlacements(ctx.q, ctx.yearId, studentIds, fromDate);
    }
    if (moving.length) await insertPlacements(ctx.q, schoolId, ctx.yearId, moving);
  },
};
