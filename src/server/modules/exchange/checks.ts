import { annualReview } from '../../core/checks/evaluators.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';
import { hongKongDate } from '../../core/clock.js';
import { CATEGORIES } from '../../../contracts/exchange.js';
import { findProceduresStatus } from './queries/procedures.js';
import { countOpenTasks } from './queries/tasks.js';

/** Governance checks of the exchange (memo O1 procedures, O2 deadlines). */
export function registerExchangeChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.O1.procedures',
    memo: 'O1',
    owner: 'exchange.manage',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const s = await findProceduresStatus(q, schoolId);
      const link = '/exchange/procedures';
      const total = CATEGORIES.length;
      const complete = s?.complete ?? 0;
      const params = { complete, total, date: s?.at ? hongKongDate(s.at) : '' };
      if (complete < total) return { status: 'attention', summaryKey: 'checks.procedures.incomplete', params, link };
      // Reviewed every year: due twelve calendar months after the last review, overdue a month later.
      const review = annualReview(s?.at ?? null, now);
      switch (review.state) {
        case 'never':
          return { status: review.status, summaryKey: 'checks.procedures.never', params, link };
        case 'ok':
          return { status: review.status, summaryKey: 'checks.procedures.ok', params, link, due: review.due };
        case 'due':
          return { status: review.status, summaryKey: 'checks.procedures.due', params, link, due: review.due };
      }
    },
  });
  registry.register({
    key: 'memo.O2.deadlines',
    memo: 'O2',
    owner: 'exchange.manage',
    async evaluate({ q, now }): Promise<CheckResult> {
      const c = await countOpenTasks(q, now);
      const params = { overdue: c?.overdue ?? 0, unassigned: c?.unassigned ?? 0, open: c?.open ?? 0 };
      const link = '/exchange/inbox';
      if (params.overdue) return { status: 'overdue', summaryKey: 'checks.deadlines.overdue', params, link, due: c?.next ?? null };
      if (params.unassigned) return { status: 'attention', summaryKey: 'checks.deadlines.unassigned', params, link, due: c?.next ?? null };
      return { status: 'ok', summaryKey: 'checks.deadlines.ok', params, link, due: c?.next ?? null };
    },
  });
}
