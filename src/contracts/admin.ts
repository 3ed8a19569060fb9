import { z } from 'zod';
import { Name, Password, Username } from './auth.js';

export const UserView = z.strictObject({
  id: z.uuid(),
  username: z.string(),
  displayNameZh: z.string().nullable(),
  displayNameEn: z.string(),
  email: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  lockedUntil: z.string().nullable(),
  mfaEnrolled: z.boolean(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  roleIds: z.array(z.uuid()),
});
export const UserList = z.strictObject({ users: z.array(UserView) });

export const UserCreateBody = z.strictObject({
  username: Username,
  displayNameZh: Name(100).optional(),
  displayNameEn: Name(100),
  email: z.email().max(254).optional(),
  /** Initial password, set by the administrator; the person must change it at first sign-in. */
  password: Password,
  roleIds: z.array(z.uuid()).max(50).default([]),
});
export const ResetPasswordBody = z.strictObject({ newPassword: Password });
export const UserRolesBody = z.strictObject({ roleIds: z.array(z.uuid()).max(50) });

export const RoleView = z.strictObject({
  id: z.uuid(),
  key: z.string().nullable(),
  nameZh: z.string(),
  nameEn: z.string(),
  permissions: z.array(z.string()),
  memberCount: z.number().int(),
});
export const RoleList = z.strictObject({ roles: z.array(RoleView) });

export const PermissionView = z.strictObject({
  key: z.string(),
  module: z.string(),
  security: z.boolean(),
  privileged: z.boolean(),
});
export const PermissionList = z.strictObject({ permissions: z.array(PermissionView) });

export const SchoolSettings = z.strictObject({ privilegedLimit: z.number().int().min(1).max(20) });
