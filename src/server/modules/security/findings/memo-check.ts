import type { CheckRegistry, CheckResult } from '../../../core/checks/registry.js';
import { hongKongDate } from '../../../core/clock.js';
import { listTasks } from '../routine/queries.js';
import { taskTiming } from '../routine/read.js';
import { HIGH_OPEN_DAYS, REVIEW_DAYS, days, securityReviewState } from './policy.js';
import { findLastRun, findReviewFacts } from './queries/store.js';

/** Memo S2's check, from the findings and the routine: reviewed within 30 days, no high finding open over 7 days, routine on schedule. */
export function registerFindingChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.S2.security-review',
    memo: 'S2',
    owner: 'security.manage',
    linkPermission: 'security.read',
    async evaluate({ q, now }): Promise<CheckResult> {
      const last = await findLastRun(q);
      const t = now.getTime();
      const facts = await findReviewFacts(q, new Date(t - days(REVIEW_DAYS)), new Date(t - days(HIGH_OPEN_DAYS)));
      const late = (await listTasks(q)).filter((task) => task.active && taskTiming(task, now).state === 'late');
      const state = securityReviewState({
        lastRun: last?.ran_at ?? null,
        unreviewed: facts.unreviewed,
        highStale: facts.high_stale,
        lateTasks: late.length,
      });
      return {
        ...state,
        params: {
          high: facts.high_stale,
          unreviewed: facts.unreviewed,
          late: late.length,
          date: last ? hongKongDate(last.ran_at) : '',
        },
        evidence: late.map((task) => `${task.title_zh} / ${task.title_en}`),
        link: '/security',
      };
    },
  });
}
