import ical from 'ical-generator';
import { audit } from '../../core/audit/audit.js';
import { type Actor, who } from '../../core/auth/actor.js';
import { randomToken, sha256 } from '../../core/crypto/secrets.js';
import type { ExchangeDeps } from './common.js';
import { deleteFeed, findFeedCreatedAt, findFeedOwner, upsertFeed } from './queries/feeds.js';
import { listFeedTasks } from './queries/tasks.js';

/** The personal calendar feed: a secret address that gives a person's exchange due dates as iCalendar. */

export async function feedStatus(d: ExchangeDeps, a: Actor): Promise<{ createdAt: string | null }> {
  const createdAt = await d.db.school(a.schoolId, (q) => findFeedCreatedAt(q, a.userId));
  return { createdAt: createdAt?.toISOString() ?? null };
}

/** A new secret feed address (the old one stops working). Only its hash is kept: the address is shown once. */
export async function createFeed(d: ExchangeDeps, a: Actor): Promise<string> {
  const token = randomToken(32);
  await d.db.schoolTx(a.schoolId, async (q) => {
    await upsertFeed(q, a.userId, a.schoolId, sha256(token), d.clock.now());
    await audit(q, d.clock, { ...who(a), action: 'exchange.calendar_feed_created', target: `user:${a.userId}` });
  });
  return token;
}

export async function revokeFeed(d: ExchangeDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await deleteFeed(q, a.userId);
    await audit(q, d.clock, { ...who(a), action: 'exchange.calendar_feed_revoked', target: `user:${a.userId}` });
  });
}

/** The feed: the person's open exchange tasks (internal due dates and authority deadlines), or null for an unknown address. */
export async function feedCalendar(d: ExchangeDeps, token: string): Promise<string | null> {
  // The address works only while its owner is active and still holds exchange.read.
  const f = await d.db.system((q) => findFeedOwner(q, sha256(token)));
  if (!f) return null;
  const rows = await d.db.school(f.school_id, (q) => listFeedTasks(q, f.user_id));
  // Times go out in UTC (…Z), which every calendar converts to the reader's zone; a named zone without
  // a VTIMEZONE would be read as floating local time and shift deadlines by the server's offset.
  const cal = ical({ name: 'Exchange deadlines / 資料交換限期', prodId: { company: 'hk-school-admin', product: 'exchange' } });
  for (const r of rows) {
    cal.createEvent({
      id: `${r.delivery_id}-due@hk-school-admin`,
      start: r.internal_due,
      end: new Date(r.internal_due.getTime() + 3600_000),
      summary: `[${r.ref_no}] ${r.title_zh} / ${r.title_en} (internal due 內部限期)`,
      stamp: d.clock.now(),
    });
    cal.createEvent({
      id: `${r.delivery_id}-deadline@hk-school-admin`,
      start: r.deadline,
      end: new Date(r.deadline.getTime() + 3600_000),
      summary: `[${r.ref_no}] ${r.title_zh} / ${r.title_en} (authority deadline 當局限期)`,
      stamp: d.clock.now(),
    });
  }
  return cal.toString();
}
