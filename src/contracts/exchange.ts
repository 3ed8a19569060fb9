import { z } from 'zod';
import { Name } from './auth.js';
import { CorrectedRow, RecordCorrection } from './corrections.js';

/** Data exchange with the Education Bureau and the HKEAA (memo O1, O2). */
export const CATEGORIES = ['headcount', 'enrolment', 'class_subject', 'place_allocation', 'exam_registration', 'general'] as const;
export const Category = z.enum(CATEGORIES);
export const Priority = z.enum(['normal', 'high', 'urgent']);
export const AUTHORITY_CODES = ['EDB', 'HKEAA'] as const;
export const AuthorityCode = z.enum(AUTHORITY_CODES);
/**
 * What a template generates from the school's records; `manual` rows are typed in by the school.
 * `enrolment_start` is Form E, the enrolment survey at the start of the school year.
 */
export const TemplateKind = z.enum(['headcount', 'enrolment', 'enrolment_start', 'class_subject', 'manual']);

export const IncomingState = z.enum(['encrypted', 'decrypted', 'decrypt_failed', 'imported', 'import_failed']);
export const ReturnState = z.enum(['draft', 'ready', 'rejected', 'processing', 'sent', 'send_failed', 'received']);
export const TaskStatus = z.enum(['unassigned', 'assigned', 'in_progress', 'awaiting_approval', 'submitted', 'done']);
/** Where a task stands against its internal due date (the Drata/Vanta model). */
export const DueState = z.enum(['on_track', 'due_soon', 'overdue', 'done']);

const Code = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[0-9A-Z][0-9A-Z-]{0,19}$/);
const IsoDate = z.iso.date();
const SchoolKeyWords = z.array(z.string().trim().min(1).max(20)).length(24);

// ---- Templates --------------------------------------------------------------------------------
/**
 * Rules, one per line: `required FILE.COLUMN`, `unique FILE.COLUMN`, `match FILE.COLUMN REGEX`,
 * `oneof FILE.COLUMN A,B,C`, `range FILE.COLUMN MIN MAX`. A rule that does not parse refuses the message.
 */
export const ReturnTemplate = z.strictObject({
  kind: TemplateKind,
  /** For `manual`: the one file's columns. Generated kinds have fixed files and columns. */
  columns: z
    .array(
      z
        .string()
        .trim()
        .regex(/^[a-z][a-zA-Z0-9_]{0,39}$/),
    )
    .max(40)
    .optional(),
  rules: z.array(z.string().trim().min(1).max(300)).max(50),
});
export const Attachment = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[^/\\\u0000]{1,100}$/),
  /** base64; at most 512 KiB once decoded. */
  contentBase64: z.string().max(700_000),
});

// ---- Authority side -----------------------------------------------------------------------------
export const PublishBody = z.strictObject({
  category: Category,
  subjectCode: Code,
  typeCode: Code,
  priority: Priority.default('normal'),
  titleZh: Name(200),
  titleEn: Name(200),
  bodyZh: z.string().trim().min(1).max(20_000),
  bodyEn: z.string().trim().min(1).max(20_000),
  referenceDate: IsoDate.optional(),
  /** The authority's reply deadline; must be in the future. */
  deadline: z.iso.datetime({ offset: true }),
  /** Everyone matching either: schools at these levels, or these schools. At least one school. */
  audience: z.strictObject({
    levels: z
      .array(z.enum(['primary', 'secondary']))
      .max(2)
      .default([]),
    schoolIds: z.array(z.uuid()).max(5000).default([]),
  }),
  attachments: z.array(Attachment).max(10).default([]),
  template: ReturnTemplate.optional(),
});
export const PublishResult = z.strictObject({ id: z.uuid(), refNo: z.string(), recipients: z.number().int() });

export const Counts = z.strictObject({
  recipients: z.number().int(),
  opened: z.number().int(),
  preparing: z.number().int(),
  submitted: z.number().int(),
  received: z.number().int(),
  late: z.number().int(),
});
/** What travels in the clear with every message, to the authority's list and the school's inbox alike. */
const MessageHeader = {
  refNo: z.string(),
  category: Category,
  subjectCode: z.string(),
  typeCode: z.string(),
  priority: Priority,
  titleZh: z.string(),
  titleEn: z.string(),
  referenceDate: z.string().nullable(),
  deadline: z.string(),
};
export const MessageSummary = z.strictObject({
  id: z.uuid(),
  ...MessageHeader,
  publishedAt: z.string(),
  hasTemplate: z.boolean(),
  counts: Counts,
});
export const MessageList = z.strictObject({ messages: z.array(MessageSummary) });
/** Progress of one school: the furthest step it has reached. */
export const ProgressState = z.enum(['delivered', 'opened', 'preparing', 'submitted', 'received']);
export const SchoolProgress = z.strictObject({
  deliveryId: z.uuid(),
  schoolId: z.uuid(),
  schoolNumber: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  state: ProgressState,
  late: z.boolean(),
  deliveredAt: z.string(),
  openedAt: z.string().nullable(),
  preparingAt: z.string().nullable(),
  submittedAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  receiptHash: z.string().nullable(),
  reminders: z.number().int(),
  packageId: z.uuid().nullable(),
  /** Whether the school could open the message: `decrypt_failed`/`import_failed` need it sent again. */
  incomingState: IncomingState,
  failure: z.string().nullable(),
});
export const ProgressQuery = z.strictObject({
  state: ProgressState.optional(),
  late: z.enum(['true', 'false']).optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100000).default(0),
});
export const MessageProgress = z.strictObject({
  message: MessageSummary.extend({
    bodyZh: z.string(),
    bodyEn: z.string(),
    template: ReturnTemplate.nullable(),
    attachments: z.array(z.strictObject({ name: z.string(), size: z.number().int() })),
  }),
  schools: z.array(SchoolProgress),
  total: z.number().int(),
});
export const RemindResult = z.strictObject({ reminded: z.number().int() });
export const ResendResult = z.strictObject({ resent: z.number().int() });
export const AuthoritySchool = z.strictObject({
  id: z.uuid(),
  schoolNumber: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  levels: z.array(z.enum(['primary', 'secondary'])),
});
export const AuthoritySchoolList = z.strictObject({ schools: z.array(AuthoritySchool) });

// ---- Packages -----------------------------------------------------------------------------------
export const ManifestEntry = z.strictObject({ name: z.string(), bytes: z.number().int(), sha256: z.string() });
/** A signed return as it travels (and as a file a person can download and have verified). */
export const PackageFile = z.strictObject({
  format: z.literal('hk-school-admin/return-package/v1'),
  header: z.strictObject({
    refNo: z.string(),
    schoolNumber: z.string(),
    authority: AuthorityCode,
    category: Category,
    amendment: z.number().int().min(0),
    createdAt: z.string(),
    schoolKeyFingerprint: z.string(),
  }),
  manifest: z.array(ManifestEntry),
  wrapped: z.strictObject({ eph: z.string(), key: z.string() }),
  ciphertext: z.string(),
  /** SHA-256 over header, manifest, wrapped key and ciphertext in canonical JSON. */
  packageHash: z.string(),
  /** Ed25519 over the package hash with the school key's signing half. */
  signature: z.string(),
});
export const VerifyBody = z.strictObject({ package: PackageFile });
export const VerifyResult = z.strictObject({
  valid: z.literal(true),
  schoolNumber: z.string(),
  packageHash: z.string(),
  refNo: z.string(),
  amendment: z.number().int(),
});
export const UnlockBody = z.strictObject({ words: SchoolKeyWords });
/** Without words, the person's unlocked window (SCHOOL_KEY_UNLOCK_MINUTES) supplies the key. */
export const InboxUnlockBody = z.strictObject({ words: SchoolKeyWords.optional() });
export const ReturnFile = z.strictObject({
  name: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.string())),
});
/** An on-roll student with no class on the reference date: blocks sending until placed (and generated again) or explained. */
export const RollExceptionReason = z.enum(['never_placed', 'placed_after']);
export const RollException = z.strictObject({
  studentId: z.uuid(),
  regNo: z.string(),
  strn: z.string(),
  nameEn: z.string(),
  nameZh: z.string(),
  reason: RollExceptionReason,
  /** For `placed_after`: the day their first placement starts, and its class. */
  placedFrom: z.string().nullable(),
  classCode: z.string().nullable(),
  explanation: z.strictObject({ text: z.string(), by: z.string(), at: z.string() }).nullable(),
});
export const OpenedPackage = z.strictObject({
  files: z.array(ReturnFile),
  summary: z.record(z.string(), z.number()),
  /** The day the return counts on, and the on-roll students without a class that day with the school's explanations. */
  referenceDate: z.string().nullable().default(null),
  exceptions: z.array(RollException).default([]),
  /** Rows the school corrected by hand (and whether the student's record was corrected too). */
  corrections: z.array(CorrectedRow).default([]),
  manifestOk: z.boolean(),
});

// ---- School side --------------------------------------------------------------------------------
const Person = z.strictObject({ id: z.uuid(), name: z.string() }).nullable();
export const InboxItem = z.strictObject({
  id: z.uuid(),
  ...MessageHeader,
  authority: z.strictObject({ code: AuthorityCode, nameZh: z.string(), nameEn: z.string() }),
  deliveredAt: z.string(),
  openedAt: z.string().nullable(),
  state: IncomingState,
  hasTemplate: z.boolean(),
  status: TaskStatus,
  dueState: DueState,
  internalDue: z.string(),
  owner: Person,
  backup: Person,
  checker: Person,
  returnState: ReturnState.nullable(),
});
export const InboxQuery = z.strictObject({
  status: TaskStatus.optional(),
  category: Category.optional(),
  dueState: DueState.optional(),
  mine: z.enum(['true', 'false']).optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100000).default(0),
});
export const InboxList = z.strictObject({ items: z.array(InboxItem), total: z.number().int(), locked: z.number().int() });
export const ExchangeEvent = z.strictObject({
  at: z.string(),
  event: z.string(),
  actor: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const ReturnSummary = z.strictObject({
  id: z.uuid(),
  amendment: z.number().int(),
  state: ReturnState,
  updatedAt: z.string(),
  packageHash: z.string().nullable(),
  receiptHash: z.string().nullable(),
});
export const InboxDetail = InboxItem.extend({
  failure: z.string().nullable(),
  content: z
    .strictObject({
      bodyZh: z.string(),
      bodyEn: z.string(),
      attachments: z.array(z.strictObject({ name: z.string(), size: z.number().int() })),
      template: ReturnTemplate.nullable(),
    })
    .nullable(),
  returns: z.array(ReturnSummary),
  events: z.array(ExchangeEvent),
});
export const AssignBody = z.strictObject({
  ownerId: z.uuid(),
  backupId: z.uuid().nullable().default(null),
  checkerId: z.uuid().nullable().default(null),
  /** Defaults to the authority's deadline minus the procedure's lead time. */
  internalDue: z.iso.datetime({ offset: true }).optional(),
});
export const UnlockResult = z.strictObject({ imported: z.number().int(), failed: z.number().int() });

export const Problem = z.strictObject({ file: z.string(), row: z.number().int(), column: z.string(), value: z.string(), rule: z.string() });
export const ExplainExceptionBody = z.strictObject({
  studentId: z.uuid(),
  explanation: z.string().trim().min(5).max(1000),
  version: z.number().int().positive(),
});
export const ReturnView = z.strictObject({
  id: z.uuid(),
  deliveryId: z.uuid(),
  amendment: z.number().int(),
  state: ReturnState,
  kind: TemplateKind,
  files: z.array(ReturnFile),
  summary: z.record(z.string(), z.number()),
  /** The reference date the return counts on (null: a return that is not generated from the records). */
  referenceDate: z.string().nullable(),
  exceptions: z.array(RollException),
  problems: z.array(Problem),
  /** Rows corrected by hand since the return was generated; the authority sees them marked. */
  corrections: z.array(CorrectedRow),
  preparedBy: z.string().nullable(),
  approvedBy: z.string().nullable(),
  rejectReason: z.string().nullable(),
  failure: z.string().nullable(),
  packageHash: z.string().nullable(),
  receiptHash: z.string().nullable(),
  version: z.number().int(),
  checker: Person,
  history: z.array(ExchangeEvent),
});
export const ReturnRowsBody = z.strictObject({
  files: z
    .array(z.strictObject({ name: z.string().max(40), rows: z.array(z.record(z.string().max(40), z.string().max(500))).max(20_000) }))
    .max(10),
  /** Rows whose corrected particulars also go to the student's record, in the same transaction. */
  records: z.array(RecordCorrection).max(2000).optional(),
  version: z.number().int().positive(),
});
export const RejectBody = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
export const ApproveBody = z.strictObject({ words: SchoolKeyWords.optional(), version: z.number().int().positive() });

export const ProcedureView = z.strictObject({
  category: Category,
  owner: Person,
  backup: Person,
  checker: Person,
  leadDays: z.number().int(),
  notes: z.string().nullable(),
  complete: z.boolean(),
});
export const ProcedureList = z.strictObject({
  procedures: z.array(ProcedureView),
  reviewedAt: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  /** People who may be named: active users holding exchange.prepare (owner, backup) or exchange.approve (checker). */
  people: z.array(z.strictObject({ id: z.uuid(), name: z.string(), canPrepare: z.boolean(), canApprove: z.boolean() })),
});
export const ProcedureBody = z.strictObject({
  ownerId: z.uuid().nullable(),
  backupId: z.uuid().nullable(),
  checkerId: z.uuid().nullable(),
  leadDays: z.number().int().min(0).max(60),
  notes: z.string().trim().max(2000).nullable().default(null),
});
export const CategoryParam = z.strictObject({ category: Category });

export const LogQuery = z.strictObject({ date: IsoDate.optional() });
export const LogEntry = z.strictObject({
  at: z.string(),
  event: z.string(),
  actor: z.string().nullable(),
  refNo: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const ExchangeLog = z.strictObject({ date: z.string(), entries: z.array(LogEntry) });
export const CalendarFeed = z.strictObject({ url: z.string().nullable(), createdAt: z.string().nullable() });

/**
 * Who a generated return counts, as the survey defines it (shown on the return page in words): the
 * students on roll on the reference date — entry date on or before it, and no leave date before it
 * (the leave date is the student's LAST day on roll), or without a leave date still marked on roll —
 * each in the class that covers that day. Someone on roll with no class that day is an exception
 * (`RollException`) that must be placed or explained before the return can be sent.
 */
export const ON_ROLL_RULE = 'entry_date <= reference_date AND (leave_date >= reference_date OR (leave_date IS NULL AND status = on_roll))';

/** The files and columns each generated return carries (a `manual` return has one file, `data`). */
export const RETURN_FILES: Record<Exclude<z.infer<typeof TemplateKind>, 'manual'>, Record<string, string[]>> = {
  /** S1–S4 students, each marked `repeater` Y/N; S5, S6 and repeaters by level as counts in the summary. */
  headcount: { students: ['strn', 'regNo', 'nameEn', 'nameZh', 'level', 'classCode', 'classNumber', 'repeater'] },
  enrolment: {
    roll: ['strn', 'regNo', 'nameEn', 'nameZh', 'sex', 'dateOfBirth', 'level', 'classCode', 'classNumber', 'entryDate'],
    formA: ['strn', 'regNo', 'nameEn', 'leaveDate', 'leaveReason'],
    formB: ['strn', 'regNo', 'nameEn', 'nameZh', 'sex', 'dateOfBirth', 'level', 'entryDate'],
    formC: ['regNo', 'nameEn', 'nameZh', 'sex', 'dateOfBirth', 'level', 'entryDate'],
    formD: ['strn', 'regNo', 'field', 'before', 'after'],
  },
  /** Form E: every student on roll at the start of the year, with class and repeater mark; counts by level in the summary. */
  enrolment_start: {
    formE: ['strn', 'regNo', 'nameEn', 'nameZh', 'sex', 'dateOfBirth', 'level', 'classCode', 'classNumber', 'entryDate', 'repeater'],
  },
  class_subject: {
    classes: ['classCode', 'level', 'nameEn', 'nameZh', 'classTeachers', 'students'],
    classSubjects: ['classCode', 'subjectCode', 'edbCode', 'subjectNameEn', 'medium', 'periods', 'teachers'],
  },
};
