import type { z } from 'zod';
import type { ReturnView } from '../../../../contracts/exchange.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { writeCsv } from '../../../core/csv.js';
import { canonical, newDataKey, sealContent, sha256Hex, signHash, wrapKey } from '../../../core/crypto/envelope.js';
import { AppError } from '../../../core/errors.js';
import type { Generated } from '../../school/service.js';
import { intake, packageHashOf } from '../authority/intake.js';
import type { ExchangeDeps } from '../common.js';
import { schoolKeyFor } from '../key.js';
import { RETURN_STEPS, assertMayApprove, assertStep, mayStep } from '../policy.js';
import type { CorrectedRowValue } from '../queries/corrections.js';
import { setDeliverySubmitted } from '../queries/deliveries.js';
import { findOrgBoxKey, findSchoolIdentity } from '../queries/orgs.js';
import { insertPackage } from '../queries/packages.js';
import { setReturnApproved } from '../queries/returns.js';
import { setTaskSubmitted } from '../queries/tasks.js';
import type { Pkg } from '../types.js';
import { getReturn } from './read.js';
import { syncReceipts } from './receipts.js';
import { assertExceptionsClosed } from './exceptions.js';
import { dutiesOf, problemErrors, returnRow, setState, taskFor } from './records.js';

/** The return's files as they travel: each file as CSV, and the whole as JSON. */
function bundleOf(g: Generated, corrections: CorrectedRowValue[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of g.files)
    files[`${f.name}.csv`] = writeCsv(
      f.columns,
      f.rows.map((r) => f.columns.map((c) => r[c] ?? '')),
    ).toString('utf8');
  files['return.json'] = JSON.stringify({
    files: g.files,
    summary: g.summary,
    referenceDate: g.referenceDate ?? null,
    exceptions: g.exceptions ?? [],
    corrections,
  });
  return files;
}

/**
 * The checker approves with the school key: the return goes ready → processing, is packaged
 * (files + SHA-256 manifest, encrypted to the authority's key, signed with the school's), and is
 * sent. The authority's intake then verifies it and answers with a receipt carrying the hash.
 */
export async function approveReturn(
  d: ExchangeDeps,
  a: Actor,
  id: string,
  words: string[] | undefined,
  version: number,
): Promise<z.infer<typeof ReturnView>> {
  const pre = await d.db.school(a.schoolId, async (q) => {
    const r = await returnRow(q, id);
    const t = await taskFor(q, r.delivery_id);
    assertMayApprove(a.userId, dutiesOf(t), r.prepared_by);
    assertStep('approve', r.state);
    if (r.version !== version) throw new AppError('version_conflict');
    return t;
  });
  const keys = await schoolKeyFor(d, a, words);
  const auth = await d.db.system((q) => findOrgBoxKey(q, pre.authority_id));
  if (!auth) throw new AppError('not_found');
  const packageId = await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await returnRow(q, id, true);
    const t = await taskFor(q, r.delivery_id, true);
    assertMayApprove(a.userId, dutiesOf(t), r.prepared_by); // again under the lock: the assignment may have changed meanwhile
    if (!mayStep('approve', r.state) || r.version !== version) throw new AppError('return_state');
    if (r.problems.length) throw new AppError('return_invalid', { errors: problemErrors(r.problems) });
    assertExceptionsClosed(r.data);
    const school = await findSchoolIdentity(q, a.schoolId);
    const now = d.clock.now();
    await setState(d, q, a, r, RETURN_STEPS.approve.to);
    const files = bundleOf(r.data, r.corrections);
    const manifest = Object.entries(files).map(([name, body]) => ({ name, bytes: Buffer.byteLength(body), sha256: sha256Hex(body) }));
    const header: Pkg['header'] = {
      refNo: t.ref_no,
      schoolNumber: school?.school_number ?? '',
      authority: t.authority_code,
      category: t.category,
      amendment: r.amendment,
      createdAt: now.toISOString(),
      schoolKeyFingerprint: school?.key_fingerprint ?? '',
    };
    const dataKey = newDataKey();
    const aad = canonical(header);
    const unsigned = {
      header,
      manifest,
      wrapped: wrapKey(dataKey, auth.key_box_public, aad),
      ciphertext: sealContent(dataKey, Buffer.from(JSON.stringify({ files })), aad),
    };
    const packageHash = packageHashOf(unsigned);
    const pkg: Pkg = { format: 'hk-school-admin/return-package/v1', ...unsigned, packageHash, signature: signHash(keys.sign, packageHash) };
    const sent = await insertPackage(q, {
      schoolId: a.schoolId,
      authorityId: t.authority_id,
      deliveryId: r.delivery_id,
      returnId: id,
      amendment: r.amendment,
      pkg,
      packageHash,
      sentAt: now,
    });
    await setReturnApproved(q, id, a.userId, packageHash);
    await setState(d, q, a, { ...r, state: RETURN_STEPS.approve.to }, RETURN_STEPS.send.to, { packageHash });
    await setTaskSubmitted(q, r.delivery_id);
    await setDeliverySubmitted(q, r.delivery_id, now);
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_sent',
      target: `return:${id}`,
      details: { refNo: t.ref_no, amendment: r.amendment, packageHash, files: manifest.map((m) => m.name) },
    });
    return sent;
  });
  await intake(d, packageId);
  await syncReceipts(d, a.schoolId);
  return getReturn(d, a, id);
}
