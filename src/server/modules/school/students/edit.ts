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
import { toStoredStudentFacts, toStudentFacts } from '../views.js';
import { loadStudent, STUDENT_UNIQUE } from './common.js';
import { idSealer, openId, type StoredId } from './id-at-rest.js';
import { place } from './placement.js';

/** What identity checks read: the identity document, the STRN and the dates. */
interface StudentIdentity {
  idType: string;
  /** Left out when an edit keeps the stored number. */
  idNumber?: string;
  strn?: string;
  dateOfBirth: string;
  entryDate: string;
  leaveDate?: string;
}

/** Identity numbers and STRNs are checked and normalised; dates must be in order. */
export function cleanStudent<T extends StudentIdentity>(b: T): T {
  const out = { ...b };
  if (b.idType === 'hkid' && b.idNumber !== undefined) {
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

/** The particulars as stored (absent values null), with the identity number in its stored forms. */
export function studentValues(b: Omit<z.infer<typeof StudentCreateBody>, 'idNumber'>, id: StoredId): StudentValues {
  return {
    regNo: b.regNo,
    strn: b.strn ?? null,
    nameZh: b.nameZh ?? null,
    nameEn: b.nameEn,
    sex: b.sex,
    dateOfBirth: b.dateOfBirth,
    idType: b.idType,
    idSealed: id.sealed,
    idHash: id.hash,
    idMasked: id.masked,
    entryDate: b.entryDate,
    status: b.status,
    leaveDate: b.leaveDate ?? null,
    leaveReason: b.leaveReason ?? null,
  };
}

export async function createStudent(d: SchoolDeps, a: Actor, body: z.infer<typeof StudentCreateBody>): Promise<string> {
  // Creating a student is a whole-school action: a scope limited to one's classes cannot add people.
  assertWholeSchool(a, 'students.manage');
  const b = cleanStudent(body);
  if ((b.classId === undefined) !== (b.classNumber === undefined))
    throw new AppError('validation_failed', { errors: [{ path: '/classNumber', code: 'required_with_class' }] });
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const protect = await idSealer(q, d.serverKey, a.schoolId);
      const id = await insertStudent(q, a.schoolId, studentValues(b, protect(b.idType, b.idNumber)));
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
      // The editor sees the number only masked and may leave it out: the stored one is kept as it is,
      // opened only when the document type changes and the number must be checked as the new type.
      const keep = body.idNumber === undefined && body.idType === before.id_type;
      const idNumber = body.idNumber ?? (keep ? undefined : await openId(q, d.serverKey, a.schoolId, before.id_sealed));
      const b = cleanStudent({ ...body, idNumber });
      const stored: StoredId =
        b.idNumber === undefined
          ? { sealed: before.id_sealed, hash: before.id_hash, masked: before.id_masked }
          : (await idSealer(q, d.serverKey, a.schoolId))(b.idType, b.idNumber);
      const after = studentValues(b, stored);
      await updateStudentRow(q, id, after);
      // The identity number is personal data: the audit says it changed (its keyed hash did), not what it is.
      const { idHash, ...changed } = changes(toStoredStudentFacts(before), toStudentFacts(after), ['idHash']);
      await audit(q, d.clock, {
        ...who(a),
        action: 'students.updated',
        target: `student:${id}`,
        details: idHash === undefined ? changed : { ...changed, idNumber: idHash },
      });
    });
  } catch (err) {
    throw uniqueViolation(err, STUDENT_UNIQUE);
  }
}
