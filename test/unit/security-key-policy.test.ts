import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wordsFromText } from '../../src/contracts/security-key.js';
import { ManualClock } from '../../src/server/core/clock.js';
import { KeyWindow } from '../../src/server/core/crypto/key-window.js';
import { newSchoolKey, schoolKeyPairs, wordsToEntropy } from '../../src/server/core/crypto/school-key.js';
import { AppError } from '../../src/server/core/errors.js';
import { assertEnoughShares, assertShareSet, keyCheck } from '../../src/server/modules/security/key/policy.js';
import { shareFromText, shareToText } from '../../src/server/modules/security/key/share-text.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
};

describe('the 24 words pasted as one text', () => {
  const words = newSchoolKey().words;
  it('takes spaces, new lines, commas, full-width spaces and any numbering', () => {
    expect(wordsFromText(words.join(' '))).toEqual(words);
    expect(wordsFromText(words.map((w, i) => `${i + 1}. ${w}`).join('\n'))).toEqual(words);
    expect(wordsFromText(words.map((w, i) => `${i + 1}) ${w.toUpperCase()}`).join('\u3000'))).toEqual(words);
    expect(wordsFromText(words.map((w, i) => `(${i + 1}) ${w},`).join(' '))).toEqual(words);
    expect(wordsFromText(words.map((w, i) => `${String(i + 1).padStart(2, '0')} ${w}`).join('\t'))).toEqual(words);
    expect(wordsFromText(words.map((w, i) => `${i + 1}.${w}`).join('\r\n'))).toEqual(words);
    expect(wordsToEntropy(wordsFromText(words.map((w, i) => `${i + 1}. ${w}`).join('\n')))).toEqual(wordsToEntropy(words));
  });
  it('keeps a wrong word as a word (so the count and the key check see it)', () => {
    expect(wordsFromText('1. abandon 2. notaword')).toEqual(['abandon', 'notaword']);
    expect(wordsFromText('   ')).toEqual([]);
  });
});

describe('a recovery share as text', () => {
  const share = { keyVersion: 3, threshold: 2, holderNo: 2, share: Uint8Array.from(randomBytes(33)) };
  const text = shareToText(share);
  it('reads back whatever case, spaces and dashes, and the look-alike letters', () => {
    expect(text).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{1,4})+$/);
    expect(shareFromText(text)).toEqual(share);
    expect(shareFromText(text.toLowerCase().replaceAll('-', ' '))).toEqual(share);
    expect(shareFromText(text.replaceAll('1', 'l').replaceAll('0', 'O'))).toEqual(share);
  });
  it('catches every single-character typo, a missing and an extra character', () => {
    const clean = text.replaceAll('-', '');
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    for (let i = 0; i < clean.length; i++) {
      const other = alphabet[(alphabet.indexOf(clean[i] ?? '0') + 7) % 32] ?? 'Z';
      expect(
        code(() => shareFromText(clean.slice(0, i) + other + clean.slice(i + 1))),
        `position ${i}`,
      ).toBe('share_mistyped');
    }
    expect(code(() => shareFromText(clean.slice(1)))).toBe('share_mistyped');
    expect(code(() => shareFromText(`${clean}A`))).toBe('share_mistyped');
    expect(code(() => shareFromText('hello'))).toBe('share_mistyped');
  });
});

describe('share sets and recovery', () => {
  it('needs two holders or more and a threshold they can meet', () => {
    expect(code(() => assertShareSet(2, 3))).toBeUndefined();
    expect(code(() => assertShareSet(3, 3))).toBeUndefined();
    expect(code(() => assertShareSet(4, 3))).toBe('validation_failed');
    expect(code(() => assertShareSet(2, 1))).toBe('validation_failed');
  });
  it('recovers only from as many different shares as the threshold', () => {
    expect(code(() => assertEnoughShares(1, 2))).toBe('shares_too_few');
    expect(code(() => assertEnoughShares(2, 2))).toBeUndefined();
    expect(code(() => assertEnoughShares(2, 3))).toBe('shares_too_few');
    expect(code(() => assertEnoughShares(1, 1))).toBe('shares_too_few');
  });
});

describe('memo S1 check of the school key', () => {
  const made = new Date('2026-01-31T00:00:00Z');
  const at = (iso: string) => new Date(iso);
  const k = { createdAt: made, months: 12, issued: 3, confirmed: 3, threshold: 2 };
  it('is ok within the period with every share confirmed', () => {
    expect(keyCheck(k, at('2027-01-30T23:59:59Z'))).toMatchObject({ status: 'ok', summaryKey: 'checks.schoolKey.ok' });
  });
  it('asks for a change from the end of the period, and is overdue a month later', () => {
    expect(keyCheck(k, at('2027-01-31T00:00:00Z'))).toMatchObject({ status: 'attention', summaryKey: 'checks.schoolKey.rotate' });
    expect(keyCheck(k, at('2027-02-28T00:00:00Z'))).toMatchObject({ status: 'overdue' });
    expect(keyCheck({ ...k, months: 6 }, at('2026-07-31T00:00:00Z'))).toMatchObject({ status: 'attention' });
    expect(keyCheck({ ...k, months: 6 }, at('2026-07-30T00:00:00Z'))).toMatchObject({ status: 'ok' });
  });
  it('wants recovery shares issued and confirmed', () => {
    const now = at('2026-06-01T00:00:00Z');
    expect(keyCheck({ ...k, issued: 0, confirmed: 0 }, now)).toMatchObject({
      status: 'attention',
      summaryKey: 'checks.schoolKey.noShares',
    });
    expect(keyCheck({ ...k, confirmed: 2 }, now)).toMatchObject({ status: 'attention', summaryKey: 'checks.schoolKey.unconfirmed' });
  });
});

describe('the unlock window', () => {
  const clock = new ManualClock(new Date('2026-11-02T01:00:00Z'));
  const key = newSchoolKey();
  const entropy = wordsToEntropy(key.words);
  const unlocked = { schoolId: 's1', fingerprint: key.pub.fingerprint, ...schoolKeyPairs(entropy), entropy };
  const session = randomBytes(32);
  it('holds the key for its minutes, for its school only, and wipes it when it ends', () => {
    const w = new KeyWindow(clock, 10 * 60_000);
    expect(w.hold(session, unlocked)?.toISOString()).toBe('2026-11-02T01:10:00.000Z');
    expect(w.get(session, 's2')).toBeNull();
    w.hold(session, unlocked);
    const held = w.get(session, 's1');
    expect(held?.fingerprint).toBe(key.pub.fingerprint);
    clock.advance(10 * 60_000);
    expect(w.get(session, 's1')).toBeNull();
    expect(held?.entropy.every((b) => b === 0)).toBe(true);
    expect(w.size).toBe(0);
  });
  it('ends at sign-out (the session key), for a whole school, and is off at 0 minutes', () => {
    const w = new KeyWindow(clock, 60_000);
    w.hold(session, unlocked);
    w.drop(session.toString('base64url'));
    expect(w.get(session, 's1')).toBeNull();
    w.hold(session, unlocked);
    w.dropSchool('s1');
    expect(w.size).toBe(0);
    expect(new KeyWindow(clock, 0).hold(session, unlocked)).toBeNull();
  });
});
