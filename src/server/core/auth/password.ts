import { Algorithm, hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { ErrorCode } from '../../../contracts/errors.js';

/** ~30,000 common passwords shipped with @zxcvbn-ts/language-common (MIT). */
const COMMON: ReadonlySet<string> = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
export const COMMON_PASSWORD_COUNT = COMMON.size;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/**
 * Password rules after NIST SP 800-63B and ASVS 5: length 12–128 (counted in code points),
 * no composition rules, refused if common or if it contains the person's name or username.
 */
export function checkPassword(password: string, names: (string | null | undefined)[]): ErrorCode | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return 'password_too_short';
  if (length > PASSWORD_MAX) return 'password_too_long';
  const lower = password.toLowerCase();
  const squashed = lower.replace(/[\s._-]+/g, '');
  if (COMMON.has(lower) || COMMON.has(squashed)) return 'password_common';
  for (const name of names) {
    if (!name) continue;
    const parts = [name, ...name.split(/[\s._@-]+/)].map((p) => p.toLowerCase().replace(/\s+/g, '')).filter((p) => [...p].length >= 3);
    if (parts.some((p) => squashed.includes(p))) return 'password_contains_name';
  }
  return null;
}

export interface HashOptions {
  memoryCost: number;
}

export function hashPassword(password: string, opts: HashOptions): Promise<string> {
  return hash(password, { algorithm: Algorithm.Argon2id, memoryCost: opts.memoryCost, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
