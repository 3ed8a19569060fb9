import type { KeyObject } from 'node:crypto';
import { audit } from '../../core/audit/audit.js';
import { type Actor, who } from '../../core/auth/actor.js';
import { publicOf, schoolKeyPairs, wordsToEntropy } from '../../core/crypto/school-key.js';
import { AppError } from '../../core/errors.js';
import { securityEvent } from '../../core/notify/notify.js';
import type { ExchangeDeps } from './common.js';
import { KEY_FAILURE_LIMIT, KEY_WINDOW_MS, keyRetryAfter } from './policy.js';
import { countKeyFailures, findKeyFingerprint, lockKeyFingerprint } from './queries/keys.js';

export interface Unlocked {
  box: KeyObject;
  sign: KeyObject;
  fingerprint: string;
  entropy: Uint8Array;
}

/**
 * The school key for a protected step: from the words when given (and then kept unlocked for the
 * person's session for the configured window), otherwise from that window. The window's key must
 * still be the school's key in force (it may have been rotated meanwhile, from another process);
 * without words or a window the step is refused with `school_key_needed`.
 */
export async function schoolKeyFor(d: ExchangeDeps, a: Actor, words: string[] | undefined): Promise<Unlocked> {
  if (words) {
    const keys = await unlockKey(d, a, words);
    d.keyWindow?.hold(a.tokenHash, { schoolId: a.schoolId, ...keys });
    return keys;
  }
  const held = d.keyWindow?.get(a.tokenHash, a.schoolId);
  if (!held) throw new AppError('school_key_needed');
  const current = await d.db.school(a.schoolId, (q) => findKeyFingerprint(q, a.schoolId));
  if (current?.key_fingerprint !== held.fingerprint) {
    d.keyWindow?.drop(a.tokenHash);
    throw new AppError('school_key_needed');
  }
  return held;
}

/**
 * Unlock with the organisation's 24 words. Wrong words are counted per organisation like a wrong
 * password, over the last 15 minutes: from the 5th, every try is refused until the oldest of them is
 * 15 minutes old. Tries are taken one at a time per organisation (the organisation's row is locked),
 * so parallel requests cannot each slip under the limit. Each failure is audited, and the 5th is a
 * security event; both are committed, then the request is refused.
 */
export async function unlockKey(d: ExchangeDeps, a: Actor, words: string[]): Promise<Unlocked> {
  let entropy: Uint8Array | null;
  try {
    entropy = wordsToEntropy(words);
  } catch {
    entropy = null;
  }
  const pub = entropy ? publicOf(entropy) : null;
  const outcome = await d.db.schoolTx(a.schoolId, async (q): Promise<{ refused: number } | { wrong: true } | { ok: true }> => {
    const org = await lockKeyFingerprint(q, a.schoolId);
    const now = d.clock.now().getTime();
    const f = await countKeyFailures(q, a.schoolId, new Date(now - KEY_WINDOW_MS));
    const failures = f?.n ?? 0;
    const refused = keyRetryAfter(failures, f?.first ?? null, now);
    if (refused !== null) return { refused };
    if (pub && pub.fingerprint === org?.key_fingerprint) return { ok: true };
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.key_failed',
      outcome: 'failure',
      target: `school:${a.schoolId}`,
      details: { failures: failures + 1 },
    });
    if (failures + 1 === KEY_FAILURE_LIMIT) {
      await securityEvent(q, d.clock, d.smtpConfigured, {
        schoolId: a.schoolId,
        event: 'school_key_locked',
        titleKey: 'notifications.schoolKeyLocked',
        params: { username: a.username, failures: String(failures + 1) },
        subject: 'School key locked / 學校密碼匙暫停使用',
        body: `The school key was entered wrongly ${failures + 1} times in 15 minutes (last by ${a.username} from ${a.ip}); unlocking is paused for 15 minutes.\n學校密碼匙於 15 分鐘內被輸入錯誤 ${failures + 1} 次（最後一次由 ${a.username}），解鎖暫停 15 分鐘。`,
        idemKey: `school-key-locked:${a.schoolId}:${now}`,
        fallbackPermission: 'audit.read',
      });
    }
    return { wrong: true };
  });
  if ('refused' in outcome) throw new AppError('rate_limited', { retryAfter: outcome.refused });
  if ('wrong' in outcome || !entropy || !pub) throw new AppError('school_key_wrong');
  return { ...schoolKeyPairs(entropy), fingerprint: pub.fingerprint, entropy };
}
