import { z } from 'zod';
import { Name } from './auth.js';
import { EmergencyContactView } from './particulars.js';

export const LEVELS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6'] as const;
export const Level = z.enum(LEVELS);
const IsoDate = z.iso.date();
const Code = (max: number) =>
  z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[0-9A-Z][0-9A-Z-]*$/)
    .max(max);
const Version = z.number().int().positive();

// ---- Years --------------------------------------------------------------------------------
export const YearView = z.strictObject({
  id: z.uuid(),
  code: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  status: z.enum(['planned', 'current', 'finished']),
});
export const YearList = z.strictObject({ years: z.array(YearView) });
/** A school year runs 1 September – 31 August: give the year it starts, e.g. 2026 for 2026/27. */
export const YearCreateBody = z.strictObject({ startYear: z.number().int().min(2000).max(2100) });

// ---- Staff ---------------------------------------------------------------------------------
export const StaffStatus = z.enum(['serving', 'on_leave', 'left']);
export const StaffFields = z.strictObject({
  staffCode: Code(20),
  nameZh: Name(100).optional(),
  nameEn: Name(100),
  post: Name(60).optional(),
  status: StaffStatus.default('serving'),
  joinDate: IsoDate.optional(),
  leaveDate: IsoDate.optional(),
  email: z.email().max(254).optional(),
});
export const StaffCreateBody = StaffFields;
/** `userId` links the staff record to a sign-in account (null unlinks; absent keeps the link). */
export const StaffUpdateBody = z.strictObject({ ...StaffFields.shape, userId: z.uuid().nullable().optional(), version: Version });
export const StaffView = z.strictObject({
  id: z.uuid(),
  staffCode: z.string(),
  nameZh: z.string().nullable(),
  nameEn: z.string(),
  post: z.string().nullable(),
  status: StaffStatus,
  joinDate: z.string().nullable(),
  leaveDate: z.string().nullable(),
  email: z.string().nullable(),
  userId: z.uuid().nullable(),
  version: z.number().int(),
});
export const StaffList = z.strictObject({ staff: z.array(StaffView), total: z.number().int() });
export const StaffQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  status: StaffStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100000).default(0),
});

// ---- Classes and subjects ---------------------------------------------------------------------
export const ClassCreateBody = z.strictObject({
  yearId: z.uuid(),
  code: Code(10),
  level: Level,
  nameZh: Name(50),
  nameEn: Name(50),
  stream: Name(30).optional(),
  teacherIds: z.array(z.uuid()).max(5).default([]),
});
export const ClassView = z.strictObject({
  id: z.uuid(),
  yearId: z.uuid(),
  code: z.string(),
  level: Level,
  nameZh: z.string(),
  nameEn: z.string(),
  stream: z.string().nullable(),
  teacherIds: z.array(z.uuid()),
  studentCount: z.number().int(),
});
export const ClassList = z.strictObject({ classes: z.array(ClassView) });
export const ClassQuery = z.strictObject({ yearId: z.uuid().optional() });

export const SubjectCreateBody = z.strictObject({
  code: Code(20),
  nameZh: Name(100),
  nameEn: Name(100),
  edbCode: Code(20).optional(),
});
export const SubjectView = z.strictObject({
  id: z.uuid(),
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  edbCode: z.string().nullable(),
});
export const SubjectList = z.strictObject({ subjects: z.array(SubjectView) });

export const Medium = z.enum(['chinese', 'english', 'mixed']);
export const ClassSubjectCreateBody = z.strictObject({
  classId: z.uuid(),
  subjectId: z.uuid(),
  medium: Medium,
  teacherIds: z.array(z.uuid()).max(5).default([]),
});
export const ClassSubjectView = z.strictObject({
  id: z.uuid(),
  classId: z.uuid(),
  subjectId: z.uuid(),
  medium: Medium,
  teacherIds: z.array(z.uuid()),
});
export const ClassSubjectList = z.strictObject({ classSubjects: z.array(ClassSubjectView) });

// ---- Students ------------------------------------------------------------------------------
export const StudentStatus = z.enum(['on_roll', 'left', 'graduated']);
export const IdType = z.enum(['hkid', 'passport', 'other']);
export const StudentFields = z.strictObject({
  regNo: Code(20),
  strn: z.string().trim().toUpperCase().max(12).optional(),
  nameZh: Name(100).optional(),
  nameEn: Name(100),
  sex: z.enum(['M', 'F']),
  dateOfBirth: IsoDate,
  idType: IdType,
  idNumber: z
    .string()
    .trim()
    .toUpperCase()
    .min(4)
    .max(20)
    .regex(/^[0-9A-Z()-]+$/),
  entryDate: IsoDate,
  status: StudentStatus.default('on_roll'),
  leaveDate: IsoDate.optional(),
  leaveReason: Name(200).optional(),
});
export const StudentCreateBody = z.strictObject({
  ...StudentFields.shape,
  classId: z.uuid().optional(),
  classNumber: z.number().int().min(1).max(99).optional(),
});
/** `idNumber` may be left out: the editor only ever sees it masked, and the stored number is kept. */
export const StudentUpdateBody = z.strictObject({
  ...StudentFields.shape,
  idNumber: StudentFields.shape.idNumber.optional(),
  version: Version,
});
export const StudentListItem = z.strictObject({
  id: z.uuid(),
  regNo: z.string(),
  strn: z.string().nullable(),
  nameZh: z.string().nullable(),
  nameEn: z.string(),
  sex: z.enum(['M', 'F']),
  classId: z.uuid().nullable(),
  classCode: z.string().nullable(),
  classNumber: z.number().int().nullable(),
  status: StudentStatus,
  /** In lists only: the emergency contact (relationship and phone), masked without the contacts right. */
  emergencyContact: EmergencyContactView.nullable().optional(),
});
export const StudentList = z.strictObject({ students: z.array(StudentListItem), total: z.number().int() });
export const StudentQuery = z.strictObject({
  /** Part of a Chinese or English name, an STRN, a registration number or a whole identity number. */
  q: z.string().trim().max(100).optional(),
  classId: z.uuid().optional(),
  status: StudentStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100000).default(0),
});
export const PlacementView = z.strictObject({
  yearCode: z.string(),
  classCode: z.string(),
  classNumber: z.number().int(),
  fromDate: z.string(),
  toDate: z.string().nullable(),
});
export const StudentDetail = z.strictObject({
  ...StudentListItem.shape,
  dateOfBirth: z.string(),
  idType: IdType,
  /** Masked, e.g. A123***(*); the full number only through the reveal route, which is audited. */
  idMasked: z.string(),
  entryDate: z.string(),
  leaveDate: z.string().nullable(),
  leaveReason: z.string().nullable(),
  version: z.number().int(),
  history: z.array(PlacementView),
});
export const PlacementBody = z.strictObject({ classId: z.uuid(), classNumber: z.number().int().min(1).max(99), fromDate: IsoDate });
export const RevealBody = z.strictObject({ reason: z.string().trim().min(5).max(200) });
export const RevealResult = z.strictObject({ idNumber: z.string() });

// ---- Import and export ---------------------------------------------------------------------
export const ImportKind = z.enum(['students', 'staff', 'classes', 'class_subjects']);
export const ImportParams = z.strictObject({ kind: ImportKind });
/** The file travels as base64 in JSON (so every route keeps one validated body shape); up to 8 MB. */
export const ImportBody = z.strictObject({
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\u0000-\u001f<>]+$/),
  contentBase64: z
    .string()
    .max(11_200_000)
    .regex(/^[A-Za-z0-9+/=\r\n]*$/),
  /** The day placements made by the file start (students); the current year's first day when left out. */
  effectiveDate: IsoDate.optional(),
});
export const ImportIssue = z.strictObject({
  /** Row number as the spreadsheet shows it (the header is row 1). 0 = the file as a whole. */
  row: z.number().int(),
  column: z.string(),
  value: z.string(),
  /** Machine code, translated by the web (`importIssues.<code>`). */
  code: z.string(),
});
export const ImportReport = z.strictObject({
  kind: ImportKind,
  rows: z.number().int(),
  create: z.number().int(),
  update: z.number().int(),
  unchanged: z.number().int(),
  issues: z.array(ImportIssue),
  /** Students the file places in a class or number other than their present one, and the day those placements start. */
  placements: z.number().int(),
  placementsFrom: z.string().nullable(),
  /** True only for a commit that wrote everything. */
  committed: z.boolean(),
});
/** `lang`: the headers' language (the person's); the import reads either. */
