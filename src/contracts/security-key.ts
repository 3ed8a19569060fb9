import { z } from 'zod';

/** Memo S1: the school key's lifecycle — unlock window, versions and rotation, recovery shares. */

export const KEY_WORDS = 24;

/**
 * The 24 words as a person pastes or types them: spaces, new lines, commas or full-width spaces
 * between them, and numbering from a printed list ("1. abandon", "2) ability", "(3) able", "04 about")
 * dropped. Lower case. Anything else is kept, so a wrong word is still seen as one.
 */
export function wordsFromText(text: string): string[] {
  return text
    .replace(/[\u3000\u00a0,，、;；]/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^[([]?\d+[.):\]]?/, '').replace(/[.)]+$/, ''))
    .filter((w) => w !== '' && !/^\d+$/.test(w))
    .map((w) => w.toLowerCase());
}

export const KeyWords = z.array(z.string().trim().min(1).max(20)).length(KEY_WORDS);
/** Words, or nothing when the person's session holds the key unlocked. */
export const OptionalWords = z.strictObject({ words: KeyWords.optional() });

export const KeyUnlockBody = z.strictObject({ words: KeyWords });
export const KeyUnlockState = z.strictObject({
  /** ISO time the window ends; null when the key is locked for this session. */
  unlockedUntil: z.string().nullable(),
  windowMinutes: z.number().int(),
});

export const HOLDER_ROLES = ['principal', 'system_admin', 'safe', 'other'] as const;
export const HolderRole = z.enum(HOLDER_ROLES);

export const KeyVersionView = z.strictObject({
  version: z.number().int(),
  fingerprint: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  retiredAt: z.string().nullable(),
  rewrapped: z.number().int().nullable(),
});

export const ShareHolderView = z.strictObject({
  holderNo: z.number().int(),
  holderName: z.string(),
  holderRole: HolderRole,
  printedAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  confirmedBy: z.string().nullable(),
});
export const ShareSetView = z.strictObject({
  setId: z.uuid(),
  keyVersion: z.number().int(),
  threshold: z.number().int(),
  issuedAt: z.string(),
  issuedBy: z.string(),
  holders: z.array(ShareHolderView),
});

export const SchoolKeyStatus = z.strictObject({
  version: z.number().int(),
  fingerprint: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  rotationMonths: z.number().int(),
  /** When the key should be changed next (created + the school's period). */
  rotationDue: z.string(),
  rotationOverdue: z.boolean(),
  /** Items wrapped to the key in force, and to older versions (a rotation in progress or an unreadable item). */
  wrappedCurrent: z.number().int(),
  wrappedOlder: z.number().int(),
  /** The recovery shares of the key in force (null: none issued since it was made). */
  shares: ShareSetView.nullable(),
  history: z.array(KeyVersionView),
  unlockedUntil: z.string().nullable(),
  windowMinutes: z.number().int(),
});

export const KeySettingsBody = z.strictObject({ rotationMonths: z.number().int().min(1).max(60) });

export const RotateBody = OptionalWords;
export const RotateResult = z.strictObject({
  version: z.number().int(),
  fingerprint: z.string(),
  /** The new key's words: shown once, to be written down. */
  words: z.array(z.string()).length(KEY_WORDS),
  rewrapped: z.number().int(),
  unreadable: z.number().int(),
});

export const IssueSharesBody = z.strictObject({
  words: KeyWords.optional(),
  threshold: z.number().int().min(2).max(5),
  holders: z
    .array(z.strictObject({ name: z.string().trim().min(1).max(100), role: HolderRole }))
    .min(2)
    .max(7),
});
export const IssuedShares = z.strictObject({
  setId: z.uuid(),
  keyVersion: z.number().int(),
  fingerprint: z.string(),
  threshold: z.number().int(),
  /** Each holder's share: shown once, printed on their sheet, typed back to confirm. */
  shares: z.array(z.strictObject({ holderNo: z.number().int(), holderName: z.string(), holderRole: HolderRole, share: z.string() })),
});
export const ShareParams = z.strictObject({ setId: z.uuid(), holderNo: z.coerce.number().int().min(1).max(7) });
export const ShareBody = z.strictObject({ share: z.string().trim().min(1).max(200) });
export const SheetBody = z.strictObject({ share: z.string().trim().min(1).max(200), lang: z.enum(['zh-HK', 'en']).optional() });
export const RecoverBody = z.strictObject({ shares: z.array(z.string().trim().min(1).max(200)).min(1).max(7) });
export const RecoverResult = z.strictObject({
  fingerprint: z.string(),
  words: z.array(z.string()).length(KEY_WORDS),
  unlockedUntil: z.string().nullable(),
});
