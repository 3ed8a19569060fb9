import { audit } from '../../../core/audit/audit.js';
import { systemActor, who } from '../../../core/auth/actor.js';
import type { ExchangeDeps } from '../common.js';
import { RETURN_STEPS } from '../policy.js';
import { clearDeliverySubmitted } from '../queries/deliveries.js';
import { lockAnsweredReturns, setReturnFailure, setReturnReceipt } from '../queries/returns.js';
import { finishTask, setTaskInProgress } from '../queries/tasks.js';
import { setState } from './records.js';

/**
 * Bring the authority's answers into the school's returns: received (with the receipt's hash) or
 * send_failed (with the reason). Idempotent; the exchange job runs it too, so nothing is lost when
 * a process stops between sending and the receipt. Audited as the system.
 */
export async function syncReceipts(d: ExchangeDeps, schoolId: string): Promise<number> {
  const actor = who(systemActor(schoolId, 'exchange.receipts'));
  return d.db.schoolTx(schoolId, async (q) => {
    const rows = await lockAnsweredReturns(q);
    for (const r of rows) {
      const system = { schoolId, username: null };
      if (r.pstate === 'received') {
        await setReturnReceipt(q, r.id, r.receipt_hash);
        await setState(d, q, system, r, RETURN_STEPS.receive.to, { receiptHash: r.receipt_hash });
        await finishTask(q, r.delivery_id, d.clock.now());
      } else {
        await setReturnFailure(q, r.id, r.refused_reason);
        await setState(d, q, system, r, RETURN_STEPS.refuse.to, { reason: r.refused_reason });
        await setTaskInProgress(q, r.delivery_id);
        await clearDeliverySubmitted(q, r.delivery_id);
      }
      await audit(q, d.clock, {
        ...actor,
        action: r.pstate === 'received' ? 'exchange.receipt_recorded' : 'exchange.return_refused',
        outcome: r.pstate === 'received' ? 'success' : 'failure',
        target: `return:${r.id}`,
        details: { refNo: r.ref_no, receiptHash: r.receipt_hash, reason: r.refused_reason },
      });
    }
    return rows.length;
  });
}
