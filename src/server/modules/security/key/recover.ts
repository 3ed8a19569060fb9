import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { combine } from 'shamir-secret-sharing';
import type { z } from 'zod';
import type { RecoverResult } from '../../../../contracts/security-key.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { publicOf, schoolKeyPairs } from '../../../core/crypto/school-key.js';
import { AppError } from '../../../core/errors.js';
import { findCurrentVersion } from '../queries/key.js';
import { type KeyDeps, iso } from './common.js';
import { assertEnoughShares } from './policy.js';
import { type ShareData, shareFromText } from './share-text.js';

/** Read every typed share; the first mistyped one is named by its place in the list. */
function readShares(texts: string[]): ShareData[] {
  return texts.map((t, i) => {
    try {
      return shareFromText(t);
    } catch {
      throw new AppError('share_mistyped', { errors: [{ path: `shares.${i}`, code: 'share_mistyped' }] });
    }
  });
}

/**
 * Recovery (memo S1): enough shares of the key in force give its words back. One share is refused
 * (`shares_too_few`), a typo is caught by the share's checksum (`share_mistyped`), shares of an
 * older key or of different sets do not give the key in force (`shares_mismatch`). Every attempt
 * is audited. The recovered key is held unlocked for the session, so the person can rotate at once.
 */
export async function recoverKey(d: KeyDeps, a: Actor, texts: string[]): Promise<z.infer<typeof RecoverResult>> {
  const refuse = async (err: AppError): Promise<never> => {
    await d.db.schoolTx(a.schoolId, (q) =>
      audit(q, d.clock, {
        ...who(a),
        action: 'school_key.recovery_failed',
        outcome: 'failure',
        target: `school:${a.schoolId}`,
        details: { reason: err.code, shares: texts.length },
      }),
    );
    throw err;
  };
  let shares: ShareData[];
  try {
    shares = readShares(texts);
  } catch (err) {
    return refuse(err as AppError);
  }
  const current = await d.db.school(a.schoolId, (q) => findCurrentVersion(q));
  if (!current) throw new AppError('not_found');
  const distinct = [...new Map(shares.map((s) => [Buffer.from(s.share).toString('hex'), s])).values()];
  const threshold = Math.max(...distinct.map((s) => s.threshold));
  try {
    assertEnoughShares(distinct.length, threshold);
  } catch (err) {
    return refuse(err as AppError);
  }
  if (distinct.some((s) => s.keyVersion !== current.version)) return refuse(new AppError('shares_mismatch'));
  let entropy: Uint8Array;
  try {
    entropy = await combine(distinct.map((s) => s.share));
  } catch {
    return refuse(new AppError('shares_mismatch'));
  }
  const pub = entropy.length === 32 ? publicOf(entropy) : null;
  if (!pub || pub.fingerprint !== current.fingerprint) return refuse(new AppError('shares_mismatch'));
  const until = d.keyWindow.hold(a.tokenHash, { schoolId: a.schoolId, fingerprint: pub.fingerprint, ...schoolKeyPairs(entropy), entropy });
  await d.db.schoolTx(a.schoolId, (q) =>
    audit(q, d.clock, {
      ...who(a),
      action: 'school_key.recovered',
      target: `school:${a.schoolId}`,
      details: { version: current.version, fingerprint: pub.fingerprint, shares: distinct.length },
    }),
  );
  const words = entropyToMnemonic(entropy, wordlist).split(' ');
  entropy.fill(0);
  return { fingerprint: pub.fingerprint, words, unlockedUntil: iso(until) };
}
