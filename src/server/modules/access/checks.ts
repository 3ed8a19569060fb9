import { type AnnualState, annualReview } from '../../core/checks/evaluators.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';
import { hongKongDate } from '../../core/clock.js';
import { listLeavers } from './queries/handover.js';
import { findNetworkPolicyState } from './queries/network.js';
import { findNotificationListState } from './queries/notification-list.js';
import { findAccessReviewState } from './queries/reviews.js';

const DAY = 86_400_000;
/** Memo U3: a leaver needs an approved handover plan this many days before leaving. */
const HANDOVER_HORIZON_DAYS = 60;

/** A yearly duty's status, summary key (its `…never`, `…ok` or `…due` key) and due date, by the shared annual thresholds. */
function yearly(
  at: Date | null,
  now: Date,
  keys: Record<AnnualState['state'], string>,
): Pick<CheckResult, 'status' | 'summaryKey' | 'due'> {
  const year = annualReview(at, now);
  return { status: year.status, summaryKey: keys[year.state], due: year.due };
}

const day = (at: Date): string => at.toISOString().slice(0, 10);

/** The access module's governance checks (memo U1, U2, U3). */
export function registerAccessChecks(registry: CheckRegistry): void {
  /** Memo U1: a completed access review within the last year. */
  registry.register({
    key: 'memo.U1.access-review',
    memo: 'U1',
    owner: 'access_reviews.manage',
    linkPermission: 'access_reviews.review',
    async evaluate({ q, now }): Promise<CheckResult> {
      const s = await findAccessReviewState(q);
      const at = s?.completed_at ?? null;
      const open = s?.open ?? 0;
      const link = '/admin/reviews';
      const r = yearly(at, now, { never: 'checks.accessReview.never', ok: 'checks.accessReview.ok', due: 'checks.accessReview.due' });
      return { ...r, params: at ? { date: day(at), open } : { open }, link };
    },
  });

  /** Memo U1: the security e-mail notification list reviewed within the last year. */
  registry.register({
    key: 'memo.U1.notification-list',
    memo: 'U1',
    owner: 'notify.list.manage',
    linkPermission: 'notify.list.manage',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const s = await findNotificationListState(q, schoolId);
      const at = s?.at ?? null;
      const entries = s?.entries ?? 0;
      const link = '/admin/notification-list';
      const r = yearly(at, now, {
        never: 'checks.notificationList.never',
        ok: 'checks.notificationList.ok',
        due: 'checks.notificationList.due',
      });
      return { ...r, params: at ? { date: day(at), entries } : { entries }, link };
    },
  });

  /** Memo U2: the network policy reviewed within the last year. */
  registry.register({
    key: 'memo.U2.network-policy',
    memo: 'U2',
    owner: 'network.manage',
    linkPermission: 'network.manage',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const s = await findNetworkPolicyState(q, schoolId);
      const at = s?.reviewed ?? null;
      const zones = s?.zones ?? 0;
      const link = '/admin/network';
      const r = yearly(at, now, { never: 'checks.networkPolicy.never', ok: 'checks.networkPolicy.ok', due: 'checks.networkPolicy.due' });
      return { ...r, params: at ? { date: day(at), zones, enabled: s?.enabled ? 'on' : 'off' } : { zones }, link };
    },
  });

  /** Memo U3: anyone leaving within 60 days has an approved plan; past the date without one is overdue. */
  registry.register({
    key: 'memo.U3.handover',
    memo: 'U3',
    owner: 'handover.manage',
    linkPermission: 'handover.manage',
    async evaluate({ q, now }): Promise<CheckResult> {
      const today = hongKongDate(now);
      const rows = await listLeavers(q, hongKongDate(new Date(now.getTime() + HANDOVER_HORIZON_DAYS * DAY)));
      const missing = rows.filter((r) => !r.planned);
      const link = '/admin/handover';
      if (!missing.length) return { status: 'ok', summaryKey: 'checks.handover.ok', params: { count: rows.length }, link };
      const late = missing.filter((r) => r.leave_date < today);
      return {
        status: late.length ? 'overdue' : 'attention',
        summaryKey: late.length ? 'checks.handover.overdue' : 'checks.handover.missing',
        params: { count: missing.length, names: missing.map((m) => m.username).join(', ') },
        evidence: missing.map((m) => `${m.username} ${m.leave_date}`),
        link,
      };
    },
  });
}
