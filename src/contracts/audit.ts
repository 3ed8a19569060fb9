import { z } from 'zod';

/** Every action the audit log records. The web translates each (`auditActions.<action with _>`). */
export const AUDIT_ACTIONS = [
  'setup.link_created',
  'setup.completed',
  'auth.login',
  'auth.password_verified',
  'auth.login_failed',
  'auth.lockout',
  'auth.logout',
  'auth.mfa_verified',
  'auth.mfa_failed',
  'auth.mfa_enrolment_started',
  'auth.mfa_enrolled',
  'auth.recovery_codes_regenerated',
  'auth.password_changed',
  'auth.password_change_failed',
  'auth.session_rotated',
  'account.locale_changed',
  'users.created',
  'users.unlocked',
  'users.password_reset',
  'users.roles_changed',
  'sessions.revoked',
  'school.settings_changed',
  'school.year_created',
  'school.year_made_current',
  'school.class_created',
  'school.subject_created',
  'school.class_subject_created',
  'staff.created',
  'staff.updated',
  'students.created',
  'students.updated',
  'students.moved',
  'students.id_revealed',
  'school.imported',
  'roles.created',
  'roles.updated',
  'roles.deleted',
  'roles.member_added',
  'roles.member_removed',
  'roles.member_started',
  'roles.member_lapsed',
  'access_reviews.started',
  'access_reviews.decided',
  'access_reviews.completed',
  'access_reviews.cancelled',
  'school.exported',
  'test.event',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditQuery = z.strictObject({
  actor: z.string().trim().max(64).optional(),
  action: z.string().trim().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Keyset cursor: the `seq` of the last row of the previous page. */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const AuditEntry = z.strictObject({
  seq: z.number().int(),
  occurredAt: z.string(),
  actorId: z.uuid().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  outcome: z.enum(['success', 'failure']),
  details: z.record(z.string(), z.unknown()),
});
export const AuditPage = z.strictObject({ entries: z.array(AuditEntry), nextBefore: z.number().int().nullable() });

export const OutboxEntry = z.strictObject({
  id: z.uuid(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  status: z.enum(['queued', 'sent', 'failed', 'held']),
});
export const OutboxPage = z.strictObject({ entries: z.array(OutboxEntry) });
