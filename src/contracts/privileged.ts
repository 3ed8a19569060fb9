import { z } from 'zod';
import { Username } from './auth.js';

// Privileged accounts (memo S1): personal, shared and the sealed break-glass administrator.
export const AccountKind = z.enum(['personal', 'shared', 'break_glass']);
export const PrivilegedReason = z.enum([
  'password_due_soon',
  'password_overdue',
  'change_pending',
  'change_overdue',
  'break_glass_used',
  'break_glass_unsealed',
]);
export const PrivilegedAccountView = z.strictObject({
  id: z.uuid(),
  username: z.string(),
  displayNameEn: z.string(),
  displayNameZh: z.string().nullable(),
  kind: AccountKind,
  mfaEnrolled: z.boolean(),
  passwordChangedAt: z.string(),
  /** Shared and break-glass passwords only: when the rotation period ends. */
  passwordDue: z.string().nullable(),
  /** A change was required (on suspicion or after a reset) and not yet made: by when. */
  changeDeadline: z.string().nullable(),
  /** The break-glass account only. */
  breakGlass: z.enum(['sealed', 'used', 'unsealed']).nullable(),
  sealedAt: z.string().nullable(),
  usedAt: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  status: z.enum(['ok', 'attention', 'overdue']),
  reasons: z.array(PrivilegedReason),
});
export const PrivilegedAccountList = z.strictObject({
  rotationDays: z.number().int(),
  breakGlassExists: z.boolean(),
  accounts: z.array(PrivilegedAccountView),
});
export const AccountKindBody = z.strictObject({ kind: z.enum(['personal', 'shared']) });
export const BreakGlassCreateBody = z.strictObject({ username: Username });
export const RotationSettingsBody = z.strictObject({ rotationDays: z.number().int().min(30).max(730) });
