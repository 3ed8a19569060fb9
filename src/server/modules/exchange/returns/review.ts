import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { notifyUser } from '../../../core/notify/notify.js';
import type { ExchangeDeps } from '../common.js';
import { assertMayApprove, assertStep, mayPrepare } from '../policy.js';
import { setRejectReason } from '../queries/returns.js';
import { setTaskAwaitingApproval, setTaskInProgress } from '../queries/tasks.js';
import { assertExceptionsClosed } from './exceptions.js';
import { dutiesOf, problemErrors, returnRow, setState, taskFor } from './records.js';

/** The owner hands the return to the checker. A return that fails the template's rules cannot go. */
export async function markReady(d: ExchangeDeps, a: Actor, id: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await returnRow(q, id, true);
    const t = await taskFor(q, r.delivery_id, true);
    if (!mayPrepare(a.userId, dutiesOf(t))) throw new AppError('forbidden');
    // After the authority refused a package (send_failed), the same return may go round again.
    const next = assertStep('ready', r.state);
    if (r.problems.length) throw new AppError('return_invalid', { errors: problemErrors(r.problems) });
    assertExceptionsClosed(r.data);
    await setState(d, q, a, r, next);
    await setTaskAwaitingApproval(q, r.delivery_id);
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_ready',
      target: `return:${id}`,
      details: { refNo: t.ref_no, amendment: r.amendment, checker: t.checker_id },
    });
    if (t.checker_id) {
      await notifyUser(q, d.clock, {
        schoolId: a.schoolId,
        userId: t.checker_id,
        kind: 'exchange.approval',
        titleKey: 'notifications.exchangeApproval',
        params: { refNo: t.ref_no },
        link: `/exchange/returns/${id}`,
        idemKey: `exchange-approval:${id}:${d.clock.now().getTime()}`,
      });
    }
  });
}

/** The checker sends the return back with the reason; the owner and backup are told. */
export async function rejectReturn(d: ExchangeDeps, a: Actor, id: string, reason: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await returnRow(q, id, true);
    const t = await taskFor(q, r.delivery_id, true);
    assertMayApprove(a.userId, dutiesOf(t), r.prepared_by);
    const next = assertStep('reject', r.state);
    await setRejectReason(q, id, reason);
    await setState(d, q, a, r, next, { reason });
    await setTaskInProgress(q, r.delivery_id);
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_rejected',
      target: `return:${id}`,
      details: { refNo: t.ref_no, reason },
    });
    for (const u of [t.owner_id, t.backup_id]) {
      if (u)
        await notifyUser(q, d.clock, {
          schoolId: a.schoolId,
          userId: u,
          kind: 'exchange.rejected',
          titleKey: 'notifications.exchangeRejected',
          params: { refNo: t.ref_no },
          link: `/exchange/returns/${id}`,
          idemKey: `exchange-rejected:${id}:${d.clock.now().getTime()}:${u}`,
        });
    }
  });
}
