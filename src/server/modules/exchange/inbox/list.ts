import type { z } from 'zod';
import type { InboxDetail, InboxList, InboxQuery } from '../../../../contracts/exchange.js';
import type { Actor } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { type ExchangeDeps, event } from '../common.js';
import { countLockedDeliveries, setDeliveryOpened } from '../queries/deliveries.js';
import { listDeliveryEvents } from '../queries/events.js';
import { findInboxItem, listInboxItems } from '../queries/inbox.js';
import { listDeliveryReturns } from '../queries/returns.js';
import { findTaskContent } from '../queries/tasks.js';
import { toInboxDetailView, toInboxItemView } from '../views.js';

export async function listInbox(d: ExchangeDeps, a: Actor, f: z.infer<typeof InboxQuery>): Promise<z.infer<typeof InboxList>> {
  return d.db.school(a.schoolId, async (q) => {
    const rows = await listInboxItems(q, d.clock.now(), {
      status: f.status,
      category: f.category,
      dueState: f.dueState,
      mineOf: f.mine === 'true' ? a.userId : undefined,
      q: f.q,
      limit: f.limit,
      offset: f.offset,
    });
    const locked = await countLockedDeliveries(q);
    return { items: rows.map(toInboxItemView), total: rows[0]?.total ?? 0, locked };
  });
}

/** One message with its content (once imported), returns and history. The first look marks it opened. */
export async function inboxDetail(d: ExchangeDeps, a: Actor, id: string): Promise<z.infer<typeof InboxDetail>> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    const r = await findInboxItem(q, d.clock.now(), id);
    if (!r) throw new AppError('not_found');
    if (!r.opened_at) {
      await setDeliveryOpened(q, id, d.clock.now());
      await event(q, d.clock, { orgId: a.schoolId, deliveryId: id, event: 'opened', actor: a.username });
      r.opened_at = d.clock.now();
    }
    const returns = await listDeliveryReturns(q, id);
    const events = await listDeliveryEvents(q, id);
    return toInboxDetailView(r, returns, events);
  });
}

/** One attachment of an imported message, to download. */
export async function attachment(d: ExchangeDeps, a: Actor, id: string, index: number): Promise<{ name: string; body: Buffer }> {
  const t = await d.db.school(a.schoolId, (q) => findTaskContent(q, id));
  if (!t) throw new AppError('not_found');
  if (!t.content) throw new AppError('content_locked');
  const f = t.content.attachments[index];
  if (!f) throw new AppError('not_found');
  return { name: f.name, body: Buffer.from(f.contentBase64, 'base64') };
}
