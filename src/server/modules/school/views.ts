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

/** The identity number is shown masked (as stored, so nothing is decrypted); the full number only through the audited reveal. */
export const toStudentDetail = (r: StudentDetailRow, history: PlacementHistoryRow[]): z.infer<typeof StudentDetail> => ({
  ...toStudentListItem(r),
  dateOfBirth: r.date_of_birth,
  idType: r.id_type,
  idMasked: r.id_masked,
  entryDate: r.entry_date,
  leaveDate: r.leave_date,
  leaveReason: r.leave_reason,
  version: r.version,
  history: history.map(toPlacementView),
});

/** A student's particulars as compared (by an edit's audit record and the importer): the identity number by its keyed hash. */
export type StudentFacts = Omit<StudentValues, 'idSealed' | 'idMasked'>;

export const toStudentFacts = (r: StudentValues): StudentFacts => ({
  regNo: r.regNo,
  strn: r.strn,
  nameZh: r.nameZh,
  nameEn: r.nameEn,
  sex: r.sex,
  dateOfBirth: r.dateOfBirth,
  idType: r.idType,
  idHash: r.idHash,
  entryDate: r.entryDate,
  status: r.status,
  leaveDate: r.leaveDate,
  leaveReason: r.leaveReason,
});

/** A stored student's particulars, in the shape the forms and the importer compare against. */
export const toStoredStudentFacts = (
  r: Pick<
    StudentDetailRow,
    | 'reg_no'
    | 'strn'
    | 'name_zh'
    | 'name_en'
    | 'sex'
    | 'date_of_birth'
    | 'id_type'
    | 'id_hash'
    | 'entry_date'
    | 'status'
    | 'leave_date'
    | 'leave_reason'
  >,
): StudentFacts => ({
  regNo: r.reg_no,
  strn: r.strn,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  sex: r.sex,
  dateOfBirth: r.date_of_birth,
  idType: r.id_type,
  idHash: r.id_hash,
  entryDate: r.entry_date,
  status: r.status,
  leaveDate: r.leave_date,
  leaveReason: r.leave_reason,
});
