import { z } from 'zod';

export const Locale = z.enum(['zh-HK', 'en']);
export type Locale = z.infer<typeof Locale>;

/**
 * A person's or school's name in any script: letters, marks, digits, spaces and the punctuation
 * names use (O'Brien, St. Paul's, Kwun Tong (1), A&B). Markup and statement characters are refused.
 */
export const Name = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[\p{L}\p{M}\p{N} .,'’()（）、·&/-]+$/u);

/** Username: letters, digits, dot, dash, underscore; case-insensitive. */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/);

/** Length is checked by the password policy (with its own error codes), not here. */
export const Password = z.string().max(1024);

/** `authority` is set when the link is for the first user of the Education Bureau or the HKEAA (no school details then). */
export const SetupStatus = z.strictObject({
  valid: z.boolean(),
  /** Why a link no longer works: `used` once its organisation exists (sign in), `expired` or `unknown` (ask for a new link). */
  state: z.enum(['usable', 'used', 'expired', 'unknown']),
  expiresAt: z.string().nullable(),
  authority: z.strictObject({ code: z.enum(['EDB', 'HKEAA']), nameZh: z.string(), nameEn: z.string() }).nullable(),
});

export const SetupBody = z.strictObject({
  token: z.string().min(16).max(128),
  school: z
    .strictObject({
      nameZh: Name(200),
      nameEn: Name(200),
      schoolNumber: z
        .string()
        .trim()
        .regex(/^[0-9A-Za-z-]{3,20}$/),
    })
    .optional(),
  admin: z.strictObject({
    username: Username,
    displayNameZh: Name(100).optional(),
    displayNameEn: Name(100),
    email: z.email().max(254),
    password: Password,
  }),
  locale: Locale.default('zh-HK'),
  /** The school key the person was shown and confirmed before this request (POST /api/setup/key); without it one is made now. */
  schoolKey: z.strictObject({ words: z.array(z.string().max(16)).length(24), ticket: z.string().max(128) }).optional(),
});

/** Ask for the school key before the school is created, so it is shown and confirmed first (a reload asks for a fresh one). */
export const SetupKeyBody = z.strictObject({ token: z.string().min(16).max(128) });
export const SetupKeyResult = z.strictObject({
  schoolKeyWords: z.array(z.string()),
  schoolKeyFingerprint: z.string(),
  /** The server's seal that it made these words for this link; the server keeps nothing. */
  ticket: z.string(),
});

export const SetupResult = z.strictObject({
  /** The school key as words, shown once. */
  schoolKeyWords: z.array(z.string()),
  schoolKeyFingerprint: z.string(),
});

/** The organisation a sign-in name belongs to: its school number (or authority code), as the login form sends it. */
export const SchoolCode = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z-]{0,20}$/);

export const LoginBody = z.strictObject({
  username: Username,
  password: Password,
  /** Sign-in names are unique within an organisation; may be left out only where there is one organisation. */
  school: SchoolCode.optional(),
});

/** What the login form needs before anyone signs in: the only organisation's code, or null when one must be typed. */
export const SignInOptions = z.strictObject({ schoolCode: z.string().nullable() });

/** What the person must do next. `done` = fully signed in. */
export const SessionStage = z.enum(['mfa', 'enrol', 'password', 'done']);
export type SessionStage = z.infer<typeof SessionStage>;

export const LoginResult = z.strictObject({ stage: SessionStage });

export const MfaBody = z.strictObject({
  /** A 6-digit TOTP code, or a recovery code (two groups of five characters joined by a dash). */
  code: z.string().trim().min(6).max(32),
});

export const Me = z.strictObject({
  user: z.strictObject({
    id: z.uuid(),
    username: z.string(),
    displayNameZh: z.string().nullable(),
    displayNameEn: z.string(),
    email: z.string().nullable(),
    locale: Locale,
    mfaEnrolled: z.boolean(),
    mfaRequired: z.boolean(),
    recoveryCodesLeft: z.number().int(),
  }),
  school: z.strictObject({ id: z.uuid(), nameZh: z.string(), nameEn: z.string(), schoolNumber: z.string() }),
  stage: SessionStage,
  permissions: z.array(z.string()),
  csrfToken: z.string(),
});
export type Me = z.infer<typeof Me>;
