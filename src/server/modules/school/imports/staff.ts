import type { z } from 'zod';
import { StaffFields } from '../../../../contracts/school.js';
import { staffDatesInOrder } from '../policy.js';
import { type ExistingStaffRow, listExistingStaff, updateImportedStaff } from '../queries/imports.js';
import { insertStaff, type StaffValues } from '../queries/staff.js';
import type { Existing, Spec } from './spec.js';

type StaffRecord = z.infer<typeof StaffFields>;

const storedFields = (r: ExistingStaffRow) => ({
  staffCode: r.staff_code,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  post: r.post,
  status: r.status,
  joinDate: r.join_date,
  leaveDate: r.leave_date,
  email: r.email,
});
type StoredStaff = ReturnType<typeof storedFields>;

const staffValues = (f: StaffRecord): StaffValues => ({
  staffCode: f.staffCode,
  nameZh: f.nameZh ?? null,
  nameEn: f.nameEn,
  post: f.post ?? null,
  status: f.status,
  joinDate: f.joinDate ?? null,
  leaveDate: f.leaveDate ?? null,
  email: f.email ?? null,
});

export const staffSpec: Spec<StaffRecord, StaffRecord, StoredStaff> = {
  kind: 'staff',
  schema: StaffFields,
  keyOf: (row) => row.staffCode,
  keyColumn: 'staff_code',
  clean(row, _beside, _r, issue) {
    if (!staffDatesInOrder(row.joinDate, row.leaveDate)) issue('leave_date', 'dates_out_of_order');
    return row;
  },
  async existing(ctx) {
    const rows = await listExistingStaff(ctx.q);
    return new Map(rows.map((r): [string, Existing<StoredStaff>] => [r.staff_code, { id: r.id, fields: storedFields(r) }]));
  },
  async apply(ctx, plans, schoolId) {
    for (const p of plans) {
      if (p.action === 'create') await insertStaff(ctx.q, schoolId, staffValues(p.fields));
      else if (p.action === 'update' && p.existingId) await updateImportedStaff(ctx.q, p.existingId, staffValues(p.fields));
    }
  },
};
