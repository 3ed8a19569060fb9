import type { Queryable } from '../../../core/db/types.js';
import { findInboxItem, listInboxItems } from '../queries/inbox.js';
import type { InboxItemRow } from '../queries/inbox.js';
import type { TaskStatusKey } from '../types.js';

/** An exchange task as another module names it (the planning calendar links its tasks to these). */
export interface ExchangeTaskBrief {
  id: string;
  titleZh: string;
  titleEn: string;
  deadline: Date;
  status: TaskStatusKey;
}

const brief = (r: InboxItemRow): ExchangeTaskBrief => ({
  id: r.id,
  titleZh: r.title_zh,
  titleEn: r.title_en,
  deadline: r.deadline,
  status: r.status,
});

/** The school's exchange tasks, by deadline (at most 500), on the caller's connection. */
export async function exchangeTaskBriefs(q: Queryable, now: Date): Promise<ExchangeTaskBrief[]> {
  return (await listInboxItems(q, now, { limit: 500, offset: 0 })).map(brief);
}

/** One exchange task of the school, or undefined when there is none with that id. */
export async function findExchangeTaskBrief(q: Queryable, now: Date, id: string): Promise<ExchangeTaskBrief | undefined> {
  const r = await findInboxItem(q, now, id);
  return r ? brief(r) : undefined;
}
