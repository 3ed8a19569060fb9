import type { z } from 'zod';
import { OpenedPackage } from '../../../../contracts/exchange.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { canonical, openContent, sha256Hex, unwrapKey } from '../../../core/crypto/envelope.js';
import { AppError } from '../../../core/errors.js';
import { type ExchangeDeps, assertAuthority } from '../common.js';
import { unlockKey } from '../key.js';
import { findPackage, findReceivedPackage } from '../queries/packages.js';
import type { Pkg } from '../types.js';

/** An authority officer opens a received return with the authority's key; the manifest is checked file by file. */
export async function openPackage(d: ExchangeDeps, a: Actor, packageId: string, words: string[]): Promise<z.infer<typeof OpenedPackage>> {
  const p = await d.db.school(a.schoolId, async (q) => {
    await assertAuthority(q, a);
    return findReceivedPackage(q, packageId, a.schoolId);
  });
  if (!p) throw new AppError('not_found');
  const keys = await unlockKey(d, a, words);
  let bundle: { files: Record<string, string> };
  try {
    const dataKey = unwrapKey(p.wrapped, keys.box, canonical(p.header));
    bundle = JSON.parse(openContent(dataKey, p.ciphertext, canonical(p.header)).toString('utf8'));
  } catch {
    throw new AppError('package_wrong_key');
  }
  const manifestOk = p.manifest.every((m) => {
    const body = bundle.files[m.name];
    return body !== undefined && sha256Hex(body) === m.sha256 && Buffer.byteLength(body) === m.bytes;
  });
  const json = JSON.parse(bundle.files['return.json'] ?? '{"files":[],"summary":{}}');
  await d.db.schoolTx(a.schoolId, (q) =>
    audit(q, d.clock, {
      ...who(a),
      action: 'exchange.package_opened',
      target: `package:${packageId}`,
      details: { school: p.header.schoolNumber, refNo: p.header.refNo, manifestOk },
    }),
  );
  return OpenedPackage.parse({
    files: json.files,
    summary: json.summary,
    referenceDate: json.referenceDate ?? null,
    exceptions: json.exceptions ?? [],
    corrections: json.corrections ?? [],
    manifestOk,
  });
}

/** A package as a file, for the authority to download. */
export async function packageFile(d: ExchangeDeps, a: Actor, packageId: string): Promise<Pkg> {
  const p = await d.db.school(a.schoolId, (q) => findPackage(q, packageId));
  if (!p) throw new AppError('not_found');
  return p;
}
