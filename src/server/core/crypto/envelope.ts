import { createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { open, seal, sha256 } from './secrets.js';

/**
 * Envelope encryption and signing for data exchange (DESIGN rule 4). Content is sealed once with a
 * random AES-256-GCM data key; the data key is wrapped for each recipient with X25519 (an ephemeral
 * key agreed with the recipient's public key, through HKDF). Only the recipient's private key, which
 * comes from words that people hold, unwraps it.
 */
export interface Wrapped {
  /** The ephemeral X25519 public key, base64url. */
  eph: string;
  /** The data key sealed under the agreed key. */
  key: string;
}

const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const publicX25519 = (raw: Buffer): KeyObject => createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
const publicEd25519 = (raw: Buffer): KeyObject => createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
const rawPublic = (k: KeyObject): Buffer => {
  const der = k.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
};

function kek(shared: Buffer, eph: Buffer, recipient: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([eph, recipient]), 'hk-school-admin/exchange/wrap', 32));
}

export const newDataKey = (): Buffer => randomBytes(32);

/** Wrap a data key for the holder of `recipientBoxPublic` (raw 32-byte X25519). */
export function wrapKey(dataKey: Buffer, recipientBoxPublic: Buffer, aad: string): Wrapped {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const eph = rawPublic(publicKey);
  const shared = diffieHellman({ privateKey, publicKey: publicX25519(recipientBoxPublic) });
  return { eph: eph.toString('base64url'), key: seal(kek(shared, eph, recipientBoxPublic), dataKey, aad) };
}

/** Unwrap with the recipient's private X25519 key; throws when the key or the data does not match. */
export function unwrapKey(w: Wrapped, boxPrivate: KeyObject, aad: string): Buffer {
  const eph = Buffer.from(w.eph, 'base64url');
  const mine = rawPublic(createPublicKey(boxPrivate));
  const shared = diffieHellman({ privateKey: boxPrivate, publicKey: publicX25519(eph) });
  return open(kek(shared, eph, mine), w.key, aad);
}

export const sealContent = (dataKey: Buffer, plain: Buffer, aad: string): string => seal(dataKey, plain, aad);
export const openContent = (dataKey: Buffer, sealed: string, aad: string): Buffer => open(dataKey, sealed, aad);

export function signHash(signPrivate: KeyObject, hashHex: string): string {
  return sign(null, Buffer.from(hashHex, 'hex'), signPrivate).toString('base64url');
}

export function verifyHash(signPublicRaw: Buffer, hashHex: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(hashHex, 'hex'), publicEd25519(signPublicRaw), Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** A stable JSON form (keys sorted) so a hash means the same thing on both sides. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

export const sha256Hex = (data: string | Buffer): string => sha256(data).toString('hex');

/** X25519 public keys by JWK: several times faster than DER through OpenSSL 3's decoders, which a rotation pays per item. */
const x25519Jwk = (rawBase64url: string): KeyObject =>
  createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: rawBase64url }, format: 'jwk' });
const rawOfJwk = (k: KeyObject): Buffer => Buffer.from(k.export({ format: 'jwk' }).x ?? '', 'base64url');

/** Items sealed under one fresh ephemeral key during a rewrap (each with its own nonce and binding). */
const EPHEMERAL_USES = 256;

/**
 * Rewrap data keys from one recipient key to another (a school key's rotation): the data key is
 * opened with the old private key and wrapped afresh for the new public key. The old key's public
 * half is computed once; a fresh ephemeral key (and so the key-encrypting key) serves a run of
 * items, each sealed with its own random nonce and bound to its own message, so thousands of items
 * cost one agreement each instead of three.
 */
export function rewrapper(oldBoxPrivate: KeyObject, newBoxPublic: Buffer): (w: Wrapped, aad: string) => Wrapped {
  const mine = rawOfJwk(createPublicKey(oldBoxPrivate));
  const recipient = x25519Jwk(newBoxPublic.toString('base64url'));
  let uses = EPHEMERAL_USES;
  let eph = '';
  let wrapKek: Buffer = Buffer.alloc(0);
  return (w, aad) => {
    const theirs = Buffer.from(w.eph, 'base64url');
    const dataKey = open(kek(diffieHellman({ privateKey: oldBoxPrivate, publicKey: x25519Jwk(w.eph) }), theirs, mine), w.key, aad);
    if (uses >= EPHEMERAL_USES) {
      const fresh = generateKeyPairSync('x25519');
      const freshEph = rawOfJwk(fresh.publicKey);
      wrapKek = kek(diffieHellman({ privateKey: fresh.privateKey, publicKey: recipient }), freshEph, newBoxPublic);
      eph = freshEph.toString('base64url');
      uses = 0;
    }
    uses++;
    return { eph, key: seal(wrapKek, dataKey, aad) };
  };
}
