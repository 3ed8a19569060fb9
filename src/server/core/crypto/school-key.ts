import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { createPrivateKey, createPublicKey, hkdfSync, randomBytes } from 'node:crypto';
import { sha256 } from './secrets.js';

/**
 * The school key (學校密碼匙) is 256 bits of entropy that only people hold, written down as
 * 24 words. The server keeps only the public halves derived from it: an X25519 key to encrypt
 * to the school at any time, and an Ed25519 key to verify the school's signatures.
 */
export interface SchoolKeyPublic {
  boxPublic: Buffer;
  signPublic: Buffer;
  fingerprint: string;
}

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

function derive(entropy: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', entropy, Buffer.alloc(0), `hk-school-admin/school-key/${purpose}`, 32));
}

export function schoolKeyPairs(entropy: Uint8Array) {
  const box = createPrivateKey({ key: Buffer.concat([PKCS8_X25519, derive(entropy, 'box')]), format: 'der', type: 'pkcs8' });
  const sign = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, derive(entropy, 'sign')]), format: 'der', type: 'pkcs8' });
  return { box, sign };
}

function rawPublic(priv: ReturnType<typeof createPrivateKey>): Buffer {
  const der = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

export function publicOf(entropy: Uint8Array): SchoolKeyPublic {
  const { box, sign } = schoolKeyPairs(entropy);
  const boxPublic = rawPublic(box);
  const signPublic = rawPublic(sign);
  const fp = sha256(Buffer.concat([boxPublic, signPublic])).toString('hex');
  return { boxPublic, signPublic, fingerprint: fp.slice(0, 16).match(/.{4}/g)?.join('-') ?? fp };
}

export function newSchoolKey(): { words: string[]; pub: SchoolKeyPublic } {
  const entropy = randomBytes(32);
  return { words: entropyToMnemonic(entropy, wordlist).split(' '), pub: publicOf(entropy) };
}

/** Words back to entropy; throws on a wrong word or checksum. */
export function wordsToEntropy(words: string[]): Uint8Array {
  return mnemonicToEntropy(words.map((w) => w.trim().toLowerCase()).join(' '), wordlist);
}
