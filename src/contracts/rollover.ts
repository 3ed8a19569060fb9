import { z } from 'zod';
import { Level } from './school.js';

/**
 * Planning the next school year and migrating to it (memo O3, issue 11 parts 3 and 4): the plan's
 * classes, promotion decisions, class-number order, the preview, dry run, migrate and undo.
 */

export const NumberOrder = z.enum(['name_en', 'name_zh', 'kept']);
export const RolloverAction = z.enum(['promote', 'repeat', 'leave', 'admit']);

const ClassCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[0-9A-Z][0-9A-Z-]*$/)
  .max(10);

export const PlanClass = z.strictObject({
  code: ClassCode,
  level: Level,
  nameZh: z.string().trim().min(1).max(50),
  nameEn: z.string().trim().min(1).max(80),
  stream: z.string().trim().max(40).nullable(),
  capacity: z.number().int().min(1).max(99),
  /** The current year's class whose class subjects (subject, medium) the new class takes. */
  subjectsFrom: z.uuid().nullable(),
});

export const RolloverPlanView = z.strictObject({
  id: z.uuid(),
  fromYear: z.strictObject({ id: z.uuid(), code: z.string(), endsOn: z.string() }),
  toYear: z.strictObject({ code: z.string(), startsOn: z.string(), endsOn: z.string() }),
  status: z.enum(['draft', 'migrated']),
  numberOrder: NumberOrder,
  version: z.number().int(),
  migratedAt: z.string().nullable(),
  classes: z.array(PlanClass),
  decisions: z.number().int(),
});
export const RolloverState = z.strictObject({ plan: RolloverPlanView.nullable() });

const Version = z.number().int().positive();
export const PlanClassesBody = z.strictObject({ version: Version, classes: z.array(PlanClass).max(200) });
export const NumberOrderBody = z.strictObject({ version: Version, numberOrder: NumberOrder });
export const DecisionBody = z.strictObject({
  action: RolloverAction,
  /** The plan's class (by code); left out, the rule's class. */
  classCode: ClassCode.optional(),
  reason: z.string().trim().min(3).max(300).optional(),
});
export const StudentParam = z.strictObject({ studentId: z.uuid() });
/** Migrating asks for the new year's code typed again, so a slip of the mouse does not move the whole school. */
export const MigrateBody = z.strictObject({ confirm: z.string().trim().max(20) });

export const ExceptionCode = z.enum([
  'duplicate_class_code',
  'class_over_capacity',
  'level_without_reason',
  'no_target_class',
  'class_unknown',
  'not_placed',
  'no_classes',
  'intake_leave',
  'intake_not_admitted',
  'admit_not_intake',
]);
export const RolloverException = z.strictObject({
  code: ExceptionCode,
  classCode: z.string().nullable(),
  studentId: z.uuid().nullable(),
  regNo: z.string().nullable(),
  name: z.string().nullable(),
  /** For a class over its capacity: how many it would hold, and its capacity. */
  count: z.number().int().nullable(),
  capacity: z.number().int().nullable(),
});

export const DecisionView = z.strictObject({
  studentId: z.uuid(),
  regNo: z.string(),
  nameEn: z.string(),
  nameZh: z.string().nullable(),
  fromClass: z.string().nullable(),
  fromNumber: z.number().int().nullable(),
  fromLevel: Level.nullable(),
  action: RolloverAction,
  toClass: z.string().nullable(),
  toNumber: z.number().int().nullable(),
  /** `rule`: decided by the promotion rule; `manual`: set by hand (with its reason). */
  source: z.enum(['rule', 'manual']),
  reason: z.string().nullable(),
  /** Graduates of the top level (P6, S6) leave as graduated; others who leave, as left. */
  graduates: z.boolean(),
});

export const ClassCount = z.strictObject({
  code: z.string(),
  level: Level,
  capacity: z.number().int(),
  total: z.number().int(),
  promoted: z.number().int(),
  repeating: z.number().int(),
  admitted: z.number().int(),
});

export const RolloverPreview = z.strictObject({
  planVersion: z.number().int(),
  classes: z.array(ClassCount),
  decisions: z.array(DecisionView),
  exceptions: z.array(RolloverException),
  totals: z.strictObject({
    students: z.number().int(),
    promoted: z.number().int(),
    repeating: z.number().int(),
    admitted: z.number().int(),
    leaving: z.number().int(),
    graduating: z.number().int(),
  }),
});

export const TableSum = z.strictObject({ rows: z.number().int(), md5: z.string() });
export const Checksums = z.record(z.string(), TableSum);

/** What a migration wrote (or, for a dry run, would write): rows per table. */
export const MigrationResult = z.strictObject({
  dryRun: z.boolean(),
  toYearCode: z.string(),
  written: z.strictObject({
    years: z.number().int(),
    classes: z.number().int(),
    classSubjects: z.number().int(),
    placements: z.number().int(),
    leavers: z.number().int(),
  }),
  checksumBefore: Checksums,
  checksumAfter: Checksums,
  tookMs: z.number().int(),
});

export const UndoResult = z.strictObject({ restored: z.boolean(), checksum: Checksums });
