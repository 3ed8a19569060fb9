import { z } from 'zod';

/**
 * What the web needs to name things instead of showing their codes (issue 14 item 3): roles by name
 * for anyone who may list people, and the kinds of thing an audit record is about.
 */

/** A role as a list of people names it: a built-in role by its template key (translated), a custom one by its two names. */
export const RoleName = z.strictObject({
  id: z.uuid(),
  key: z.string().nullable(),
  nameZh: z.string(),
  nameEn: z.string(),
});
export const RoleNameList = z.strictObject({ roles: z.array(RoleName) });

/** Every kind of thing an audit record's target names (`kind:id`); the web shows `labels.auditTargets.<kind>`. */
export const AUDIT_TARGET_KINDS = [
  'check',
  'class',
  'class_subject',
  'day',
  'delivery',
  'export',
  'finding',
  'handover',
  'import',
  'message',
  'package',
  'procedure',
  'return',
  'review',
  'review_item',
  'role',
  'rollover',
  'routine',
  'school',
  'session',
  'share',
  'staff',
  'student',
  'subject',
  'time_profile',
  'user',
  'year',
  'zone',
] as const;
export type AuditTargetKind = (typeof AUDIT_TARGET_KINDS)[number];
