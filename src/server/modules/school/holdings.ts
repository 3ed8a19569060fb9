import type { HoldingRegistry } from '../../core/handover/registry.js';
import {
  addClassTeacher,
  addSubjectTeacher,
  listClassTeacherHoldings,
  listSubjectTeacherHoldings,
  removeClassTeacherOfUser,
  removeSubjectTeacherOfUser,
} from './queries/holdings.js';
import { findStaffIdOfUser } from './queries/staff.js';

/** Class teacher and subject teacher duties pass to the successor's staff record (memo U3). */
export function registerSchoolHoldings(registry: HoldingRegistry): void {
  registry.register({
    kind: 'class_teacher',
    list: async (q, userId) =>
      (await listClassTeacherHoldings(q, userId)).map((r) => ({
        kind: 'class_teacher',
        key: r.id,
        labelEn: `Class teacher of ${r.code} (${r.year})`,
        labelZh: `${r.code} 班主任（${r.year}）`,
      })),
    async transfer(q, schoolId, h, from, to) {
      // A successor without a staff record takes no class; the leaver gives it up all the same.
      const staffId = await findStaffIdOfUser(q, to);
      if (staffId) await addClassTeacher(q, schoolId, h.key, staffId);
      await removeClassTeacherOfUser(q, from, h.key);
    },
  });
  registry.register({
    kind: 'subject_teacher',
    list: async (q, userId) =>
      (await listSubjectTeacherHoldings(q, userId)).map((r) => ({
        kind: 'subject_teacher',
        key: r.id,
        labelEn: `${r.subject}, ${r.class_code}`,
        labelZh: `${r.class_code} ${r.subject_zh}`,
      })),
    async transfer(q, schoolId, h, from, to) {
      const staffId = await findStaffIdOfUser(q, to);
      if (staffId) await addSubjectTeacher(q, schoolId, h.key, staffId);
      await removeSubjectTeacherOfUser(q, from, h.key);
    },
  });
}
