import { z } from 'zod';
import { Locale, Password } from './auth.js';

/** For writes that carry no fields: still a JSON object, and nothing else in it. */
export const EmptyBody = z.strictObject({});
export const MfaEnrolStart = z.strictObject({ secret: z.string(), otpauthUri: z.string(), qrDataUrl: z.string() });
export const MfaEnrolConfirmBody = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[0-9]{6}$/),
});
export const RecoveryCodes = z.strictObject({ recoveryCodes: z.array(z.string()) });
export const RegenerateCodesBody = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[0-9]{6}$/),
});
export const ChangePasswordBody = z.strictObject({ currentPassword: Password, newPassword: Password });
export const LocaleBody = z.strictObject({ locale: Locale });

export const SessionView = z.strictObject({
  id: z.uuid(),
  userId: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export const SessionList = z.strictObject({ sessions: z.array(SessionView) });
export const IdParam = z.strictObject({ id: z.uuid() });

export const NotificationView = z.strictObject({
  id: z.uuid(),
  kind: z.string(),
  titleKey: z.string(),
  params: z.record(z.string(), z.string()),
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export const NotificationList = z.strictObject({ notifications: z.array(NotificationView), unread: z.number().int() });
