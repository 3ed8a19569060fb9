import type { z } from 'zod';
import type {
  ClassSubjectView,
  ClassView,
  PlacementView,
  StaffView,
  StudentDetail,
  StudentListItem,
  SubjectView,
  YearView,
} from '../../../contracts/school.js';
import { maskId } from './identity.js';
import type { StaffRow } from './queries/staff.js';
import type { PlacementHistoryRow, StudentDetailRow, StudentRow, StudentValues } from './queries/students.js';
import type { ClassRow, ClassSubjectRow, SubjectRow, YearRow } from './queries/years-classes-subjects.js';

export const toYearView = (r: YearRow): z.infer<typeof YearView> => ({
  id: r.id,
  code: r.code,
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  status: r.status,
});

export const toClassView = (r: ClassRow): z.infer<typeof ClassView> => ({
  id: r.id,
  yearId: r.year_id,
  code: r.code,
  level: r.level,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  stream: r.stream,
  teacherIds: r.teacher_ids ?? [],
  studentCount: r.students,
});

export const toSubjectView = (r: SubjectRow): z.infer<typeof SubjectView> => ({
  id: r.id,
  code: r.code,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  edbCode: r.edb_code,
});

export const toClassSubjectView = (r: ClassSubjectRow): z.infer<typeof ClassSubjectView> => ({
  id: r.id,
  classId: r.class_id,
  subjectId: r.subject_id,
  medium: r.medium,
  teacherIds: r.teacher_ids ?? [],
});

export const toStaffView = (r: StaffRow): z.infer<typeof StaffView> => ({
  id: r.id,
  staffCode: r.staff_code,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  post: r.post,
  status: r.status,
  joinDate: r.join_date,
  leaveDate: r.leave_date,
  email: r.email,
  userId: r.user_id,
  version: r.version,
});

export const toStudentListItem = (r: StudentRow): z.infer<typeof StudentListItem> => ({
  id: r.id,
  regNo: r.reg_no,
  strn: r.strn,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  sex: r.sex,
  classId: r.class_id,
  classCode: r.class_code,
  classNumber: r.class_number,
  status: r.status,
});

export const toPlacementView = (r: PlacementHistoryRow): z.infer<typeof PlacementView> => ({
  yearCode: r.year_code,
  classCode: r.class_code,
  classNumber: r.class_number,
  fromDate: r.from_date,
  toDate: r.to_date,
});

/** The identity number is shown masked; the full number only through the audited reveal. */
export const toStudentDetail = (r: StudentDetailRow, history: PlacementHistoryRow[]): z.infer<typeof StudentDetail> => ({
  ...toStudentListItem(r),
  dateOfBirth: r.date_of_birth,
  idType: r.id_type,
  idMasked: maskId(r.id_type, r.id_number),
  entryDate: r.entry_date,
  leaveDate: r.leave_date,
  leaveReason: r.leave_reason,
  version: r.version,
  history: history.map(toPlacementView),
});

/** A student's particulars as stored, in the shape the forms and the importer compare against. */
export const toStudentValues = (
  r: Pick<
    StudentDetailRow,
    | 'reg_no'
    | 'strn'
    | 'name_zh'
    | 'name_en'
    | 'sex'
    | 'date_of_birth'
    | 'id_type'
    | 'id_number'
    | 'entry_date'
    | 'status'
    | 'leave_date'
    | 'leave_reason'
  >,
): StudentValues => ({
  regNo: r.reg_no,
  strn: r.strn,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  sex: r.sex,
  dateOfBirth: r.date_of_birth,
  idType: r.id_type,
  idNumber: r.id_number,
  entryDate: r.entry_date,
  status: r.status,
  leaveDate: r.leave_date,
  leaveReason: r.leave_reason,
});
