import { audit } from '../../../core/audit/audit.js';
import { type Actor, systemActor, who } from '../../../core/auth/actor.js';
import { canonical, sha256Hex, verifyHash } from '../../../core/crypto/envelope.js';
import { AppError } from '../../../core/errors.js';
import { type ExchangeDeps, assertAuthority, event } from '../common.js';
import { packageFitsDelivery } from '../policy.js';
import { findDeliveryHeader, findDeliveryMessageId, setDeliveryReceived } from '../queries/deliveries.js';
import { findSchoolSigningKeyAt } from '../queries/orgs.js';
import { findPackageForIntake, lockSentPackage, receivePackage, refusePackage } from '../queries/packages.js';
import type { Pkg } from '../types.js';

export const packageHashOf = (p: Pick<Pkg, 'header' | 'manifest' | 'wrapped' | 'ciphertext'>): string =>
  sha256Hex(canonical({ header: p.header, manifest: p.manifest, wrapped: p.wrapped, ciphertext: p.ciphertext }));

/**
 * Check a package: its hash must cover exactly what it carries (else it was altered after signing),
 * and the signature must verify with the sending school's public key (else it was signed with
 * another key). Returns the school it came from.
 */
export async function verifyPackage(
  d: ExchangeDeps,
  authorityCode: string,
  p: Pkg,
): Promise<{ schoolId: string; schoolNumber: string; packageHash: string }> {
  const hash = packageHashOf(p);
  if (hash !== p.packageHash) throw new AppError('package_tampered');
  if (p.header.authority !== authorityCode) throw new AppError('package_wrong_key');
  // The key version in force when the package was made: a rotation since then does not orphan it.
  const made = new Date(p.header.createdAt);
  const s = Number.isNaN(made.getTime())
    ? undefined
    : await d.db.system((q) => findSchoolSigningKeyAt(q, p.header.schoolNumber, p.header.schoolKeyFingerprint, made));
  if (!s || !verifyHash(s.key_sign_public, hash, p.signature)) throw new AppError('package_wrong_key');
  return { schoolId: s.id, schoolNumber: p.header.schoolNumber, packageHash: hash };
}

/** A person at the authority checks a package file (e.g. one handed over outside the system). */
export async function verifyUploaded(d: ExchangeDeps, a: Actor, p: Pkg) {
  const org = await d.db.school(a.schoolId, (q) => assertAuthority(q, a));
  try {
    const r = await verifyPackage(d, org.code, p);
    await d.db.schoolTx(a.schoolId, (q) =>
      audit(q, d.clock, {
        ...who(a),
        action: 'exchange.package_verified',
        target: `school:${r.schoolNumber}`,
        details: { packageHash: r.packageHash },
      }),
    );
    return {
      valid: true as const,
      schoolNumber: r.schoolNumber,
      packageHash: r.packageHash,
      refNo: p.header.refNo,
      amendment: p.header.amendment,
    };
  } catch (err) {
    if (err instanceof AppError) {
      await d.db.schoolTx(a.schoolId, (q) =>
        audit(q, d.clock, {
          ...who(a),
          action: 'exchange.package_verified',
          outcome: 'failure',
          target: `school:${p.header.schoolNumber}`,
          details: { reason: err.code },
        }),
      );
    }
    throw err;
  }
}

/**
 * The authority's intake: verify a package that arrived and answer with a receipt carrying its hash,
 * or refuse it with the reason. Idempotent: a package already answered is left alone. Audited as
 * the system (it runs right after sending, and from the exchange job for any left unanswered).
 */
export async function intake(d: ExchangeDeps, packageId: string): Promise<'received' | 'refused' | 'done'> {
  const row = await d.db.system((q) => findPackageForIntake(q, packageId));
  if (!row || row.state !== 'sent') return 'done';
  const h = row.package.header;
  let refused: string | null = null;
  try {
    const v = await verifyPackage(d, row.code, row.package);
    // Bound to this delivery: from this school, for this message's reference and category, this amendment.
    const dl = await d.db.system((q) => findDeliveryHeader(q, row.delivery_id));
    const expected = dl && { schoolId: row.school_id, refNo: dl.ref_no, category: dl.category, amendment: row.amendment };
    if (!packageFitsDelivery({ schoolId: v.schoolId, refNo: h.refNo, category: h.category, amendment: h.amendment }, expected))
      refused = 'package_wrong_key';
  } catch (err) {
    refused = err instanceof AppError ? err.code : 'internal';
  }
  const system = who(systemActor(row.authority_id, 'exchange.intake'));
  return d.db.schoolTx(row.authority_id, async (q) => {
    const now = d.clock.now();
    if (!(await lockSentPackage(q, packageId))) return 'done' as const;
    const refNo = h.refNo;
    const messageId = await findDeliveryMessageId(q, row.delivery_id);
    if (refused) {
      await refusePackage(q, packageId, refused, now);
      await event(q, d.clock, {
        orgId: row.authority_id,
        messageId,
        deliveryId: row.delivery_id,
        event: 'package_refused',
        details: { refNo, school: h.schoolNumber, reason: refused },
      });
      await audit(q, d.clock, {
        ...system,
        action: 'exchange.package_refused',
        outcome: 'failure',
        target: `package:${packageId}`,
        details: { refNo, school: h.schoolNumber, reason: refused },
      });
      return 'refused' as const;
    }
    await receivePackage(q, packageId, now);
    await setDeliveryReceived(q, row.delivery_id, now, row.package.packageHash);
    await event(q, d.clock, {
      orgId: row.authority_id,
      messageId,
      deliveryId: row.delivery_id,
      event: 'package_received',
      details: { refNo, school: h.schoolNumber, packageHash: row.package.packageHash, amendment: h.amendment },
    });
    await audit(q, d.clock, {
      ...system,
      action: 'exchange.package_received',
      target: `package:${packageId}`,
      details: { refNo, school: h.schoolNumber, packageHash: row.package.packageHash },
    });
    return 'received' as const;
  });
}
