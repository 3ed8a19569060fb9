import type { z } from 'zod';
import type { StaffCreateBody, StaffList, StaffQuery, StaffUpdateBody } from '../../../contracts/school.js';
import { type Actor, who } from '../../core/auth/actor.js';
import { audit } from '../../core/audit/audit.js';
import { uniqueViolation } from '../../core/db/unique.js';
import { AppError } from '../../core/errors.js';
import { changes, type SchoolDeps } from './common.js';
import { assertVersion, staffDatesInOrder } from './policy.js';
import { findStaffForUpdate, insertStaff, listStaffRows, type StaffValues, updateStaffRow, userExists } from './queries/staff.js';
import { toStaffView } from './views.js';

export async function listStaff(d: SchoolDeps, schoolId: string, f: z.infer<typeof StaffQuery>): Promise<z.infer<typeof StaffList>> {
  const rows = await d.db.school(schoolId, (q) => listStaffRows(q, f));
  return { staff: rows.map(toStaffView), total: rows[0]?.total ?? 0 };
}

/** The editor's fields as stored: dates in order, absent values null. */
function staffValues(b: z.infer<typeof StaffCreateBody>): StaffValues {
  if (!staffDatesInOrder(b.joinDate, b.leaveDate)) throw new AppError('dates_out_of_order');
  return {
    staffCode: b.staffCode,
    nameZh: b.nameZh ?? null,
    nameEn: b.nameEn,
    post: b.post ?? null,
    status: b.status,
    joinDate: b.joinDate ?? null,
    leaveDate: b.leaveDate ?? null,
    email: b.email ?? null,
  };
}

export async function createStaff(d: SchoolDeps, a: Actor, b: z.infer<typeof StaffCreateBody>): Promise<string> {
  const values = staffValues(b);
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const id = await insertStaff(q, a.schoolId, values);
      await audit(q, d.clock, { ...who(a), action: 'staff.created', target: `staff:${id}`, details: { staffCode: b.staffCode } });
      return id;
    });
  } catch (err) {
    throw uniqueViolation(err, { staff_school_id_staff_code_key: 'staff_code_taken' });
  }
}

/** Saved only if nobody saved since the editor loaded it (version check): no silent overwrite. */
export async function updateStaff(d: SchoolDeps, a: Actor, id: string, b: z.infer<typeof StaffUpdateBody>): Promise<void> {
  const values = staffValues(b);
  try {
    await d.db.schoolTx(a.schoolId, async (q) => {
      const before = await findStaffForUpdate(q, id);
      if (!before) throw new AppError('not_found');
      assertVersion(before.version, b.version);
      const userId = b.userId === undefined ? before.user_id : b.userId;
      // The account must be one of this school's (foreign keys do not see row-level security).
      if (userId && userId !== before.user_id && !(await userExists(q, userId))) throw new AppError('not_found');
      await updateStaffRow(q, id, { ...values, userId });
      const after = toStaffView({
        id: before.id,
        staff_code: values.staffCode,
        name_zh: values.nameZh,
        name_en: values.nameEn,
        post: values.post,
        status: values.status,
        join_date: values.joinDate,
        leave_date: values.leaveDate,
        email: values.email,
        user_id: userId,
        version: before.version,
      });
      await audit(q, d.clock, { ...who(a), action: 'staff.updated', target: `staff:${id}`, details: changes(toStaffView(before), after) });
    });
  } catch (err) {
    throw uniqueViolation(err, { staff_school_id_staff_code_key: 'staff_code_taken', staff_user_id_key: 'conflict' });
  }
}
