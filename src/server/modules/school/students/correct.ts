import { StudentUpdateBody } from '../../../../contracts/school.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import type { Clock } from '../../../core/clock.js';
import type { Queryable } from '../../../core/db/types.js';
import { uniqueViolation } from '../../../core/db/unique.js';
import { AppError } from '../../../core/errors.js';
import { changes } from '../common.js';
import { findStudentIdByRegNo, type ParticularsValues, updateStudentParticulars } from '../queries/corrections.js';
import { toStoredStudentFacts } from '../views.js';
import { loadStudent, STUDENT_UNIQUE } from './common.js';
import { cleanStudent } from './edit.js';

/** The particulars a survey return carries that are also the student's record (same names as the record's fields). */
export const CORRECTABLE_PARTICULARS = ['regNo', 'strn', 'nameEn', 'nameZh', 'sex', 'dateOfBirth'] as const;
export type ParticularsPatch = Partial<Record<(typeof CORRECTABLE_PARTICULARS)[number], string>>;

/**
 * Another module (a survey return) corrects a student's particulars, inside the caller's transaction:
 * the student found by registration number within the person's scope, the whole record checked as the
 * record screen checks it (the same schema, then the HKID/STRN and date rules), only the corrected
 * columns written, audited as a record edit naming where it came from. Any refusal throws, so the
 * caller's transaction (and its own change) rolls back with it.
 */
export async function correctStudentParticulars(
  q: Queryable,
  clock: Clock,
  a: Actor,
  regNo: string,
  patch: ParticularsPatch,
  source: string,
): Promise<boolean> {
  if (!a.permissions.has('students.manage')) throw new AppError('forbidden');
  const id = await findStudentIdByRegNo(q, regNo);
  if (!id) throw new AppError('not_found');
  const before = await loadStudent(q, a, id, 'students.manage', true);
  // An empty cell clears an optional particular, as an empty field on the record screen does.
  const pick = (k: keyof ParticularsPatch, stored: string | null): string | undefined => {
    const v = k in patch ? patch[k] : (stored ?? undefined);
    return v === '' ? undefined : v;
  };
  const parsed = StudentUpdateBody.safeParse({
    regNo: pick('regNo', before.reg_no),
    strn: pick('strn', before.strn),
    nameZh: pick('nameZh', before.name_zh),
    nameEn: pick('nameEn', before.name_en),
    sex: pick('sex', before.sex),
    dateOfBirth: pick('dateOfBirth', before.date_of_birth),
    idType: before.id_type,
    entryDate: before.entry_date,
    status: before.status,
    leaveDate: before.leave_date ?? undefined,
    leaveReason: before.leave_reason ?? undefined,
    version: before.version,
  });
  if (!parsed.success)
    throw new AppError('validation_failed', { errors: parsed.error.issues.map((i) => ({ path: String(i.path[0] ?? ''), code: i.code })) });
  const b = cleanStudent(parsed.data);
  const after: ParticularsValues = {
    regNo: b.regNo,
    strn: b.strn ?? null,
    nameZh: b.nameZh ?? null,
    nameEn: b.nameEn,
    sex: b.sex,
    dateOfBirth: b.dateOfBirth,
  };
  const stored = toStoredStudentFacts(before);
  const changed = changes(stored, { ...stored, ...after });
  if (!Object.keys(changed).length) return false;
  try {
    await updateStudentParticulars(q, id, after);
  } catch (err) {
    throw uniqueViolation(err, STUDENT_UNIQUE);
  }
  await audit(q, clock, { ...who(a), action: 'students.updated', target: `student:${id}`, details: { ...changed, source } });
  return true;
}
