import { createHash } from 'node:crypto';
import { AppError } from '../../../core/errors.js';

/**
 * A recovery share as a holder writes or types it: Crockford base32 (no I, L, O, U; case and
 * dashes ignored) in groups of four. It carries the format, the key version, the threshold and the
 * holder's number beside the Shamir share, and ends with a checksum, so a mistyped share is caught
 * as a typo before it is combined with anything.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const FORMAT = 1;
const CHECK = 4;

export interface ShareData {
  keyVersion: number;
  threshold: number;
  holderNo: number;
  share: Uint8Array;
}

const checksum = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest().subarray(0, CHECK);

function encode32(b: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function decode32(s: string): Uint8Array | null {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of s) {
    const i = ALPHABET.indexOf(c);
    if (i < 0) return null;
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  // The last character's spare bits are zero in a share we wrote: anything else is a typo.
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) return null;
  return Uint8Array.from(out);
}

/** The share's text, in groups of four characters. */
export function shareToText(d: ShareData): string {
  const body = Buffer.concat([Buffer.from([FORMAT, d.keyVersion >> 8, d.keyVersion & 255, d.threshold, d.holderNo]), d.share]);
  const text = encode32(Buffer.concat([body, checksum(body)]));
  return text.match(/.{1,4}/g)?.join('-') ?? text;
}

/** Read a typed share; a typo (wrong character, missing or extra one) is refused as `share_mistyped`. */
export function shareFromText(text: string): ShareData {
  const clean = text
    .toUpperCase()
    .replace(/[\s\-–—_.]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  const bytes = decode32(clean);
  if (!bytes || bytes.length < 5 + 2 + CHECK) throw new AppError('share_mistyped');
  const body = bytes.subarray(0, bytes.length - CHECK);
  if (!checksum(body).equals(Buffer.from(bytes.subarray(bytes.length - CHECK))) || body[0] !== FORMAT) throw new AppError('share_mistyped');
  return { keyVersion: (body[1] ?? 0) * 256 + (body[2] ?? 0), threshold: body[3] ?? 0, holderNo: body[4] ?? 0, share: body.subarray(5) };
}

/** What is stored to recognise a share typed back: its hash (the share itself is never kept). */
export const shareHash = (share: Uint8Array): Buffer => createHash('sha256').update('school-key-share:').update(share).digest();
