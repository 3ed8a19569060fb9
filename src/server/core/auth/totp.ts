import { generateSecret, generateURI, verify } from 'otplib';
import { createHash, randomBytes } from 'node:crypto';
import { open, seal } from '../crypto/secrets.js';

/** TOTP seeds are stored sealed under the server key's TOTP sub-key, bound to the user id. */
export function newTotpSecret(): string {
  return generateSecret();
}
export const sealTotp = (key: Buffer, userId: string, secret: string): string => seal(key, secret, `totp:${userId}`);
export const openTotp = (key: Buffer, userId: string, sealed: string): string => open(key, sealed, `totp:${userId}`).toString('utf8');

export function totpUri(secret: string, issuer: string, label: string): string {
  return generateURI({ secret, issuer, label });
}

/** A valid code newer than the last one used (no replay); returns its time step or null. */
export async function checkTotp(secret: string, code: string, now: Date, lastStep: number | null): Promise<number | null> {
  const r = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: 30,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  return r.valid && 'timeStep' in r ? r.timeStep : null;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** 10 single-use recovery codes like `k7m2p-x9c4d` (~49 bits each). */
export function newRecoveryCodes(n = 10): string[] {
  return Array.from({ length: n }, () => {
    const b = randomBytes(10);
    const s = [...b].map((x) => ALPHABET[x % ALPHABET.length]).join('');
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}
export const hashRecoveryCode = (code: string): Buffer =>
  createHash('sha256')
    .update(
      code
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9]/g, ''),
    )
    .digest();
