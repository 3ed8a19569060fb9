import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { type ExchangeDeps, assertAuthority, event } from '../common.js';
import { listUnreadableSchools, lockUnreadableSchools, resealDelivery } from '../queries/deliveries.js';
import { findMessageContent } from '../queries/messages.js';
import { listSchoolBoxKeys } from '../queries/orgs.js';
import { sealFor } from './seal.js';

/**
 * Send a message again to the schools that could not read it (decrypt_failed or import_failed, e.g.
 * after a school changed its key): sealed afresh for each school's current key, back to encrypted.
 */
export async function resend(d: ExchangeDeps, a: Actor, messageId: string): Promise<number> {
  // The schools' current public keys first (a platform lookup, outside the authority's transaction).
  const failedSchools = await d.db.school(a.schoolId, (q) => listUnreadableSchools(q, messageId));
  const allKeys = failedSchools.length ? await d.db.system((q) => listSchoolBoxKeys(q, failedSchools)) : [];
  return d.db.schoolTx(a.schoolId, async (q) => {
    await assertAuthority(q, a);
    const m = await findMessageContent(q, messageId);
    if (!m) throw new AppError('not_found');
    const still = new Set(await lockUnreadableSchools(q, messageId));
    const keys = allKeys.filter((k) => still.has(k.id));
    if (!keys.length) return 0;
    const { contentId, sealed } = await sealFor(d, q, a.schoolId, messageId, m.content, keys);
    for (const { recipient, envelope } of sealed) await resealDelivery(q, messageId, recipient.id, contentId, envelope);
    await event(q, d.clock, {
      orgId: a.schoolId,
      messageId,
      event: 'resent',
      actor: a.username,
      details: { refNo: m.ref_no, schools: keys.length },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.resent',
      target: `message:${messageId}`,
      details: { refNo: m.ref_no, schools: keys.length },
    });
    return keys.length;
  });
}
