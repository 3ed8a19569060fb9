import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { RotateResult } from '../../../../contracts/security-key.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { publicOf, schoolKeyPairs } from '../../../core/crypto/school-key.js';
import { AppError } from '../../../core/errors.js';
import { securityEvent } from '../../../core/notify/notify.js';
import { rewrapDeliveries, schoolKeyFor, tellAuthoritiesKeyChanged } from '../../exchange/service.js';
import {
  findCurrentVersion,
  findSchoolKey,
  findSchoolNumber,
  insertKeyVersion,
  retireKeyVersion,
  setRewrapped,
  setSchoolKey,
  supersedeShares,
} from '../queries/key.js';
import type { KeyDeps } from './common.js';

/**
 * Rotate the school key (memo S1): a new key, and in ONE transaction everything wrapped to the old
 * one rewrapped to the new, the old version retired, the new one in force, the old recovery shares
 * superseded, the change audited and the notification list told. Until that transaction commits the
 * old key is in force and opens every item; after, the new one does: a process killed half way
 * leaves every item openable. The new words are returned once, to be written down; the person's
 * session keeps the new key unlocked for the window (so they can issue recovery shares at once).
 */
export async function rotateKey(d: KeyDeps, a: Actor, words: string[] | undefined): Promise<z.infer<typeof RotateResult>> {
  const old = await schoolKeyFor(d, a, words);
  const entropy = randomBytes(32);
  const next = publicOf(entropy);
  const at = d.clock.now();
  const done = await d.db.schoolTx(a.schoolId, async (q) => {
    const school = await findSchoolKey(q, a.schoolId, true);
    if (!school || school.key_fingerprint !== old.fingerprint) throw new AppError('school_key_stale');
    const current = await findCurrentVersion(q);
    if (!current) throw new Error('school has no key version in force');
    // The new version is in force first (in this transaction), so the envelopes may name it.
    const version = current.version + 1;
    await retireKeyVersion(q, current.version, at);
    await insertKeyVersion(q, {
      schoolId: a.schoolId,
      version,
      fingerprint: next.fingerprint,
      boxPublic: next.boxPublic,
      signPublic: next.signPublic,
      createdBy: a.userId,
      createdByName: a.username,
      createdAt: at,
    });
    await setSchoolKey(q, a.schoolId, { ...next, at });
    const r = await rewrapDeliveries(
      q,
      a.schoolId,
      { box: old.box, fingerprint: old.fingerprint },
      { boxPublic: next.boxPublic, fingerprint: next.fingerprint },
    );
    await setRewrapped(q, version, r.rewrapped);
    const superseded = await supersedeShares(q, at);
    await audit(q, d.clock, {
      ...who(a),
      action: 'school_key.rotated',
      target: `school:${a.schoolId}`,
      details: {
        fromVersion: current.version,
        toVersion: version,
        fromFingerprint: old.fingerprint,
        fingerprint: next.fingerprint,
        rewrapped: r.rewrapped,
        unreadable: r.unreadable.length,
        sharesSuperseded: superseded,
      },
    });
    await securityEvent(q, d.clock, d.smtpConfigured, {
      schoolId: a.schoolId,
      event: 'school_key_changed',
      titleKey: 'notifications.schoolKeyChanged',
      params: { username: a.username, version: String(version), fingerprint: next.fingerprint },
      subject: 'School key changed / 學校密碼匙已更換',
      body: `The school key was changed by ${a.username} (version ${version}, fingerprint ${next.fingerprint}). Write down the new words and issue new recovery shares.\n學校密碼匙已由 ${a.username} 更換（第 ${version} 版，指紋 ${next.fingerprint}）。請抄下新的密碼字詞，並重新發出復原分份。`,
      idemKey: `school-key-changed:${a.schoolId}:${version}`,
      fallbackPermission: 'school_key.manage',
    });
    const school2 = await findSchoolNumber(q, a.schoolId);
    return { version, rewrapped: r.rewrapped, unreadable: r.unreadable.length, schoolNumber: school2 };
  });
  d.keyWindow.dropSchool(a.schoolId);
  d.keyWindow.hold(a.tokenHash, { schoolId: a.schoolId, fingerprint: next.fingerprint, ...schoolKeyPairs(entropy), entropy });
  // The rotation is done; telling the authorities must not turn it into a failure (their intake reads the versions anyway).
  await tellAuthoritiesKeyChanged(d, {
    schoolNumber: done.schoolNumber,
    version: done.version,
    fingerprint: next.fingerprint,
    actor: a.username,
  }).catch(() => 0);
  const newWords = entropyToMnemonic(entropy, wordlist).split(' ');
  entropy.fill(0);
  return { version: done.version, fingerprint: next.fingerprint, words: newWords, rewrapped: done.rewrapped, unreadable: done.unreadable };
}
