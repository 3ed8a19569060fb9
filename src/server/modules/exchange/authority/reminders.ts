import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { type ExchangeDeps, assertAuthority, event } from '../common.js';
import { remindDeliveries } from '../queries/deliveries.js';
import { findMessageRefNo } from '../queries/messages.js';

/** A school reminded less than this long ago is not reminded again ("at most once a day"). */
const REMIND_AGAIN_AFTER_MS = 20 * 3600_000;

/** Remind every school that has not submitted yet; at most once a day per school. */
export async function remindLate(d: ExchangeDeps, a: Actor, messageId: string): Promise<number> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    await assertAuthority(q, a);
    const refNo = await findMessageRefNo(q, messageId);
    if (refNo === undefined) throw new AppError('not_found');
    const now = d.clock.now();
    const schools = await remindDeliveries(q, messageId, now, new Date(now.getTime() - REMIND_AGAIN_AFTER_MS));
    await event(q, d.clock, {
      orgId: a.schoolId,
      messageId,
      event: 'reminded',
      actor: a.username,
      details: { refNo, schools },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.reminded',
      target: `message:${messageId}`,
      details: { refNo, schools },
    });
    return schools;
  });
}
