import type { z } from 'zod';
import type { StudentCreateBody, StudentUpdateBody } from '../../../../contracts/school.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import { uniqueViolation } from '../../../core/db/unique.js';
import { AppError } from '../../../core/errors.js';
import { changes, type SchoolDeps } from '../common.js';
import { normaliseHkid, normaliseStrn } from '../identity.js';
import { assertVersion, assertWholeSchool, studentDatesInOrder } from '../policy.js';
import { insertStudent, type StudentValues, updateStudentRow } from '../queries/students.js';
import { toStudentValues } from '../views.js';
import { loadStudent, STUDENT_UNIQUE } from './common.js';
import { place } from './placement.js';

/** What identity checks read: the identity document, the STRN and the dates. */
interface StudentIdentity {
  idType: string;
  idNumber: string;
  strn?: string;
  dateOfBirth: string;
  entryDate: string;
  leaveDate?: string;
}

/** Identity numbers and STRNs are checked and normalised; dates must be in order. */
export function cleanStudent<T extends StudentIdentity>(b: T): T {
  const out = { ...b };
  if (b.idType === 'hkid') {
    const id = normaliseHkid(b.idNumber);
    if (!id) throw new AppError('hkid_invalid');
    out.idNumber = id;
  }
  if (b.strn) {
    const s = normaliseStrn(b.strn);
    if (!s) throw new AppError('strn_invalid');
    out.strn = s;
  }
  if (!studentDatesInOrder(b.dateOfBirth, b.entryDate, b.leaveDate)) throw new AppError('dates_out_of_order');
  return out;
}

/** The particulars as stored (absent values null). */
export function studentValues(b: z.infer<typeof StudentCreateBody> & { idNumber: string }): StudentValues {
  return {
    regNo: b.regNo,
    strn: b.strn ?? null,
    nameZh: b.nameZh ?? null,
    nameEn: b.nameEn,
    sex: b.sex,
    dateOfBirth: b.dateOfBirth,
    idType: b.idType,
    idNumber: b.idNumber,
    entryDate: b.entryDate,
    status: b.status,
    leaveDate: b.leaveDate ?? null,
    leaveReason: b.leaveReason ?? null,
  };
}

export async function createStudent(d: SchoolDeps, a: Actor, body: z.infer<typeof StudentCreateBody>): Promise<string> {
  // Creating a student is a whole-school action: a scope limited to one's classes cannot add people.
  assertWholeSchool(a.ownClassesOnly, 'students.manage');
  const b = cleanStudent(body);
  if ((b.classId === undefined) !== (b.classNumber === undefined))
    throw new AppError('validation_failed', { errors: [{ path: '/classNumber', code: 'required_with_class' }] });
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const id = await insertStudent(q, a.schoolId, studentValues(b));
      if (b.classId && b.classNumber) {
        await place(q, a, id, b.classId, b.classNumber, b.entryDate);
      }
      await audit(q, d.clock, {
        ...who(a),
        action: 'students.created',
        target: `student:${id}`,
        details: { regNo: b.regNo, classId: b.classId ?? null, classNumber: b.classNumber ?? null },
      });
      return id;
    });
  } catch (err) {
    throw uniqueViolation(err, STUDENT_UNIQUE);
  }
}

/** Saved only if nobody saved since the editor loaded it; a right limited to one's classes reaches only their students. */
export async function updateStudent(d: SchoolDeps, a: Actor, id: string, body: z.infer<typeof StudentUpdateBody>): Promise<void> {
  try {
    await d.db.schoolTx(a.schoolId, async (q) => {
      const before = await loadStudent(q, a, id, 'students.manage', true);
      assertVersion(before.version, body.version);
      const after = studentValues(cleanStudent({ ...body, idNumber: body.idNumber ?? before.id_number }));
      await updateStudentRow(q, id, after);
      // The identity number is personal data: the audit says it changed, not what it is.
      await audit(q, d.clock, {
        ...who(a),
        action: 'students.updated',
        target: `student:${id}`,
        details: changes(toStudentValues(before), after, ['idNumber']),
      });
    });
  } catch (err) {
    throw uniqueViolation(err, STUDENT_UNIQUE);
  }
}
