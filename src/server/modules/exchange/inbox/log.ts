import type { z } from 'zod';
import type { ExchangeLog } from '../../../../contracts/exchange.js';
import type { Actor } from '../../../core/auth/actor.js';
import { DAY, type ExchangeDeps } from '../common.js';
import { listLogEvents } from '../queries/events.js';
import { toLogEntryView } from '../views.js';

/** The exchange log of one Hong Kong day, for the school or the authority alike. */
export async function exchangeLog(d: ExchangeDeps, a: Actor, date: string): Promise<z.infer<typeof ExchangeLog>> {
  return d.db.school(a.schoolId, async (q) => {
    const start = new Date(`${date}T00:00:00+08:00`);
    const rows = await listLogEvents(q, start, new Date(start.getTime() + DAY));
    return { date, entries: rows.map(toLogEntryView) };
  });
}
