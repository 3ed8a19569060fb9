import type { z } from 'zod';
import type { PlacementBody } from '../../../../contracts/school.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import { uniqueViolation } from '../../../core/db/unique.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import type { SchoolDeps } from '../common.js';
import { closeOpenPlacement, insertPlacement } from '../queries/students.js';
import { findClassYearId } from '../queries/years-classes-subjects.js';
import { assertYearWritable } from '../years.js';
import { loadStudent, STUDENT_UNIQUE } from './common.js';

/** Places a student in a class from a date, closing their open placement in that class's year. */
export async function place(
  q: Queryable,
  a: Actor,
  studentId: string,
  classId: string,
  classNumber: number,
  fromDate: string,
): Promise<{ yearId: string }> {
  const yearId = await findClassYearId(q, classId);
  if (!yearId) throw new AppError('not_found');
  await assertYearWritable(q, yearId);
  await closeOpenPlacement(q, studentId, yearId, fromDate);
  await insertPlacement(q, a.schoolId, { studentId, yearId, classId, classNumber, fromDate });
  return { yearId };
}

export async function moveStudent(d: SchoolDeps, a: Actor, id: string, b: z.infer<typeof PlacementBody>): Promise<void> {
  try {
    await d.db.schoolTx(a.schoolId, async (q) => {
      const s = await loadStudent(q, a, id, 'students.manage', true);
      await place(q, a, id, b.classId, b.classNumber, b.fromDate);
      await audit(q, d.clock, {
        ...who(a),
        action: 'students.moved',
        target: `student:${id}`,
        details: {
          from: s.class_code ? `${s.class_code} ${s.class_number}` : null,
          toClass: b.classId,
          classNumber: b.classNumber,
          fromDate: b.fromDate,
        },
      });
    });
  } catch (err) {
    throw uniqueViolation(err, STUDENT_UNIQUE);
  }
}
