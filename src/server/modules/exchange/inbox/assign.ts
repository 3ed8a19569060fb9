import type { z } from 'zod';
import type { AssignBody } from '../../../../contracts/exchange.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { notifyUser } from '../../../core/notify/notify.js';
import { type ExchangeDeps, assertHolders, event } from '../common.js';
import {
  assertMayCloseUnreadable,
  assertMayFinishNotice,
  assertThreePeople,
  internalDueOf,
  statusAfterAssignment,
  taskClosed,
} from '../policy.js';
import { assignTaskPeople, finishTask, lockTaskForAssignment, lockTaskForDone, lockTaskState } from '../queries/tasks.js';

/** Name the owner, backup and checker of one task and its internal due date; the owner is told. */
export async function assignTask(d: ExchangeDeps, a: Actor, id: string, b: z.infer<typeof AssignBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const t = await lockTaskForAssignment(q, id);
    if (!t) throw new AppError('not_found');
    if (taskClosed(t.status)) throw new AppError('return_state');
    await assertHolders(q, [b.ownerId, b.backupId], 'exchange.prepare');
    await assertHolders(q, [b.checkerId], 'exchange.approve');
    assertThreePeople(b);
    const due = internalDueOf(t.deadline, t.lead_days, b.internalDue);
    await assignTaskPeople(q, id, {
      ownerId: b.ownerId,
      backupId: b.backupId,
      checkerId: b.checkerId,
      internalDue: due,
      status: statusAfterAssignment(t.status),
      at: d.clock.now(),
    });
    await event(q, d.clock, {
      orgId: a.schoolId,
      deliveryId: id,
      event: 'assigned',
      actor: a.username,
      details: { owner: b.ownerId, backup: b.backupId, checker: b.checkerId, internalDue: due.toISOString() },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.assigned',
      target: `delivery:${id}`,
      details: { owner: b.ownerId, backup: b.backupId, checker: b.checkerId, internalDue: due.toISOString() },
    });
    await notifyUser(q, d.clock, {
      schoolId: a.schoolId,
      userId: b.ownerId,
      kind: 'exchange.assigned',
      titleKey: 'notifications.exchangeAssigned',
      params: {},
      link: `/exchange/inbox/${id}`,
      idemKey: `exchange-assigned:${id}:${b.ownerId}:${due.getTime()}`,
    });
  });
}

/** A notice that asks for no return is finished by its owner (or backup). */
export async function markDone(d: ExchangeDeps, a: Actor, id: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const t = await lockTaskForDone(q, id);
    if (!t) throw new AppError('not_found');
    assertMayFinishNotice(a.userId, {
      status: t.status,
      state: t.state,
      hasTemplate: t.has_template,
      ownerId: t.owner_id,
      backupId: t.backup_id,
    });
    await finishTask(q, id, d.clock.now());
    await event(q, d.clock, { orgId: a.schoolId, deliveryId: id, event: 'done', actor: a.username });
    await audit(q, d.clock, { ...who(a), action: 'exchange.task_done', target: `delivery:${id}` });
  });
}

/**
 * A message the school could not open (decrypt_failed, import_failed) is closed by whoever manages
 * the exchange, with the reason (e.g. "the bureau sent it again as …"), so it stops escalating.
 */
export async function closeUnreadable(d: ExchangeDeps, a: Actor, id: string, reason: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const t = await lockTaskState(q, id);
    if (!t) throw new AppError('not_found');
    assertMayCloseUnreadable(t);
    await finishTask(q, id, d.clock.now());
    await event(q, d.clock, { orgId: a.schoolId, deliveryId: id, event: 'closed', actor: a.username, details: { reason } });
    await audit(q, d.clock, { ...who(a), action: 'exchange.task_closed', target: `delivery:${id}`, details: { state: t.state, reason } });
  });
}
