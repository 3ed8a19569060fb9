import { randomUUID } from 'node:crypto';
import { split } from 'shamir-secret-sharing';
import type { z } from 'zod';
import type { IssueSharesBody, IssuedShares } from '../../../../contracts/security-key.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { schoolKeyFor } from '../../exchange/service.js';
import { type ShareRow, findCurrentVersion, findShare, insertShares, markShareConfirmed, supersedeShares } from '../queries/key.js';
import type { KeyDeps } from './common.js';
import { assertShareSet } from './policy.js';
import { shareFromText, shareHash, shareToText } from './share-text.js';

/**
 * Split the school key into recovery shares (Shamir, `threshold` of n), one per named holder
 * (e.g. 2 of 3: the principal, the system administrator, the school safe). The shares are returned
 * once, to be printed on each holder's sheet; the server keeps only a hash of each, to recognise it
 * when typed back. A new set supersedes the last.
 */
export async function issueShares(d: KeyDeps, a: Actor, body: z.infer<typeof IssueSharesBody>): Promise<z.infer<typeof IssuedShares>> {
  assertShareSet(body.threshold, body.holders.length);
  const key = await schoolKeyFor(d, a, body.words);
  const parts = await split(key.entropy, body.holders.length, body.threshold);
  const setId = randomUUID();
  const at = d.clock.now();
  const version = await d.db.schoolTx(a.schoolId, async (q) => {
    const current = await findCurrentVersion(q);
    if (!current || current.fingerprint !== key.fingerprint) throw new AppError('school_key_stale');
    await supersedeShares(q, at);
    await insertShares(
      q,
      body.holders.map((h, i) => ({
        schoolId: a.schoolId,
        setId,
        keyVersion: current.version,
        threshold: body.threshold,
        holderNo: i + 1,
        holderName: h.name,
        holderRole: h.role,
        shareHash: shareHash(parts[i] ?? new Uint8Array()),
        issuedBy: a.userId,
        issuedByName: a.username,
        issuedAt: at,
      })),
    );
    await audit(q, d.clock, {
      ...who(a),
      action: 'school_key.shares_issued',
      target: `school:${a.schoolId}`,
      details: { setId, version: current.version, threshold: body.threshold, holders: body.holders.map((h) => `${h.name} (${h.role})`) },
    });
    return current.version;
  });
  return {
    setId,
    keyVersion: version,
    fingerprint: key.fingerprint,
    threshold: body.threshold,
    shares: body.holders.map((h, i) => ({
      holderNo: i + 1,
      holderName: h.name,
      holderRole: h.role,
      share: shareToText({ keyVersion: version, threshold: body.threshold, holderNo: i + 1, share: parts[i] ?? new Uint8Array() }),
    })),
  };
}

/** The holder's row for a share typed for it: a typo is `share_mistyped`, another holder's (or set's) share `share_confirm_mismatch`. */
export async function holderShare(d: KeyDeps, a: Actor, setId: string, holderNo: number, text: string): Promise<ShareRow> {
  const parsed = shareFromText(text);
  const row = await d.db.school(a.schoolId, (q) => findShare(q, setId, holderNo));
  if (!row) throw new AppError('not_found');
  if (parsed.holderNo !== holderNo || !shareHash(parsed.share).equals(row.share_hash)) throw new AppError('share_confirm_mismatch');
  return row;
}

/**
 * A holder confirms their share by typing it back from the printed sheet: the system then knows the
 * share was issued and can be read. A wrong one is audited and refused, and changes nothing.
 */
export async function confirmShare(d: KeyDeps, a: Actor, setId: string, holderNo: number, text: string): Promise<void> {
  let row: ShareRow;
  try {
    row = await holderShare(d, a, setId, holderNo, text);
  } catch (err) {
    if (err instanceof AppError && err.code !== 'not_found')
      await d.db.schoolTx(a.schoolId, (q) =>
        audit(q, d.clock, {
          ...who(a),
          action: 'school_key.share_confirm_failed',
          outcome: 'failure',
          target: `share:${setId}:${holderNo}`,
          details: { reason: err.code },
        }),
      );
    throw err;
  }
  if (row.superseded_at) throw new AppError('share_confirm_mismatch');
  await d.db.schoolTx(a.schoolId, async (q) => {
    await markShareConfirmed(q, row.id, d.clock.now(), a.username);
    await audit(q, d.clock, {
      ...who(a),
      action: 'school_key.share_confirmed',
      target: `share:${setId}:${holderNo}`,
      details: { holder: row.holder_name, role: row.holder_role, version: row.key_version },
    });
  });
}
