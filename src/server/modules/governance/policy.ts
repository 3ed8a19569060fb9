import type { z } from 'zod';
import { type CheckView, type DashboardSummary, type ItemStatus, MEMO_ITEMS, type MemoItemView } from '../../../contracts/governance.js';
import { type CheckOutcome, areaOf } from '../../core/checks/registry.js';

/** The dashboard's rules, pure: how a memo item stands, the overall figure, and what a reader is offered. */

type Status = z.infer<typeof ItemStatus>;
/** Worst first: an item is as bad as its worst check; a check that could not be evaluated is never "in order". */
const RANK: Record<CheckOutcome['status'], number> = { overdue: 3, error: 2, attention: 1, ok: 0 };

/** A memo item's standing from its checks' statuses: `unmonitored` while it has none. */
export function itemStatus(statuses: readonly CheckOutcome['status'][]): Status {
  if (!statuses.length) return 'unmonitored';
  return statuses.reduce((worst, s) => (RANK[s] > RANK[worst] ? s : worst));
}

/** Every memo item, in the memo's order, with the keys of the checks registered for it (none: not monitored yet). */
export function memoItems(checks: readonly CheckOutcome[]): z.infer<typeof MemoItemView>[] {
  return MEMO_ITEMS.map((memo) => {
    const own = checks.filter((c) => c.memo === memo);
    return { memo, area: areaOf(memo), status: itemStatus(own.map((c) => c.status)), checks: own.map((c) => c.key) };
  });
}

/**
 * The overall figure a principal reads first: "14 of 20 memo items monitored: 9 in order, 3 need attention,
 * 2 overdue; 6 not monitored yet". An item not monitored is neither in order nor failing: it is counted apart.
 */
export function summarise(items: readonly z.infer<typeof MemoItemView>[]): z.infer<typeof DashboardSummary> {
  const count = (s: Status) => items.filter((i) => i.status === s).length;
  const unmonitored = count('unmonitored');
  return {
    total: items.length,
    monitored: items.length - unmonitored,
    ok: count('ok'),
    attention: count('attention'),
    overdue: count('overdue'),
    error: count('error'),
    unmonitored,
  };
}

/** The reader of the dashboard: what they hold decides where each check's link leads. */
export interface Reader {
  permissions: ReadonlySet<string>;
}

export const detailPath = (key: string): string => `/governance/items/${key}`;

/**
 * A check as one reader sees it. The fixing page is offered only to someone who may open it; everyone gets the
 * read-only view; someone who cannot put it right (lacks the owner's right) may ask those who can, while it is not ok.
 */
export function viewFor(c: CheckOutcome, reader: Reader): z.infer<typeof CheckView> {
  const mayOpen = c.link !== null && reader.permissions.has(c.linkPermission);
  const canAsk = c.status !== 'ok' && !reader.permissions.has(c.owner.permission) && c.owner.people.length > 0;
  return {
    key: c.key,
    memo: c.memo,
    area: c.area,
    status: c.status,
    summaryKey: c.summaryKey,
    params: c.params,
    evidence: c.evidence,
    link: mayOpen ? c.link : null,
    linkPermission: c.linkPermission,
    detail: detailPath(c.key),
    canAsk,
    due: c.due,
    owner: c.owner,
  };
}
