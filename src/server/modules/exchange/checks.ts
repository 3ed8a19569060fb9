import { annualReview } from '../../core/checks/evaluators.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';
import { hongKongDate } from '../../core/clock.js';
import { CATEGORIES } from '../../../contracts/exchange.js';
import { dutyHolderOf } from './holdings.js';
import { DUTY_PERMISSION, type DutyGap, procedureGaps } from './policy.js';
import { listDutyHolders } from './queries/holdings.js';
import { findProceduresStatus } from './queries/procedures.js';
import { countOpenTasks } from './queries/tasks.js';
import { CATEGORY_WORDS, DUTY_WORDS } from './words.js';

/** Who is missing from the procedures, in each language (a person reads names and words, never codes). */
export function missingWords(gaps: DutyGap[], lang: 'en' | 'zh'): string {
  const category = (g: DutyGap) => CATEGORY_WORDS[g.category as keyof typeof CATEGORY_WORDS]?.[lang] ?? g.category;
  return gaps
    .map((g) => {
      const duty = DUTY_WORDS[g.duty][lang];
      const name = (lang === 'zh' ? (g.nameZh ?? g.nameEn) : (g.nameEn ?? g.nameZh)) ?? '';
      if (lang === 'en') {
        if (g.reason === 'unnamed') return `${category(g)}: no ${duty}`;
        if (g.reason === 'inactive') return `${category(g)}: ${duty} ${name} (account disabled)`;
        return `${category(g)}: ${duty} ${name} (lacks the right to ${g.duty === 'checker' ? 'approve' : 'prepare'} returns)`;
      }
      if (g.reason === 'unnamed') return `${category(g)}：未有${duty}`;
      if (g.reason === 'inactive') return `${category(g)}：${duty}${name}（帳戶已停用）`;
      return `${category(g)}：${duty}${name}（沒有${g.duty === 'checker' ? '批核' : '準備'}申報的權限）`;
    })
    .join(lang === 'en' ? '; ' : '；');
}

/** Governance checks of the exchange (memo O1 procedures, O2 deadlines). */
export function registerExchangeChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.O1.procedures',
    memo: 'O1',
    owner: 'exchange.manage',
    linkPermission: 'exchange.read',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const s = await findProceduresStatus(q, schoolId);
      const link = '/exchange/procedures';
      // Covered: owner, backup and checker each an active person holding the duty's right, in every category there is.
      const holders = await listDutyHolders(q, DUTY_PERMISSION.owner, DUTY_PERMISSION.checker);
      const { covered, gaps } = procedureGaps(CATEGORIES, holders.map(dutyHolderOf));
      const total = CATEGORIES.length;
      const params = { complete: covered, total, date: s?.at ? hongKongDate(s.at) : '' };
      if (covered < total)
        return {
          status: 'attention',
          summaryKey: 'checks.procedures.incomplete',
          params: { ...params, missingEn: missingWords(gaps, 'en'), missingZh: missingWords(gaps, 'zh') },
          link,
        };
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
    linkPermission: 'exchange.read',
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
