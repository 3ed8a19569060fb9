import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/contracts/exchange.js';
import { CheckRegistry } from '../../src/server/core/checks/registry.js';
import type { Queryable } from '../../src/server/core/db/types.js';
import { registerExchangeChecks } from '../../src/server/modules/exchange/checks.js';
import { procedureGaps } from '../../src/server/modules/exchange/policy.js';

type Holder = {
  category: string;
  duty: string;
  user_id: string | null;
  name_zh: string | null;
  name_en: string | null;
  active: boolean;
  holds_right: boolean;
};

/** Every category with three active people who hold the rights, except what `change` alters. */
function holders(change: (h: Holder) => Holder = (h) => h): Holder[] {
  return CATEGORIES.flatMap((category, i) =>
    (['owner', 'backup', 'checker'] as const).map((duty, j) =>
      change({ category, duty, user_id: `u-${i}-${j}`, name_zh: `陳${duty}`, name_en: `Chan ${duty}`, active: true, holds_right: true }),
    ),
  );
}

/** The exchange's checks over a stand-in connection: the duty holders for that query, `row` for any other. */
function evaluate(key: string, row: Record<string, unknown>, now: Date, duties: Holder[] = holders()) {
  const registry = new CheckRegistry();
  registerExchangeChecks(registry);
  const check = registry.list().find((c) => c.key === key);
  if (!check) throw new Error(`no check ${key}`);
  const q: Queryable = { query: async <T>(sql: string) => (sql.includes('holds_right') ? (duties as T[]) : [row as T]) };
  return check.evaluate({ q, schoolId: '00000000-0000-0000-0000-000000000001', now });
}

describe('memo.O1.procedures: every category covered by active people with the rights, reviewed every year', () => {
  const reviewed = new Date('2025-03-15T02:00:00Z');
  it('needs attention while a category lacks an owner, a backup or a checker, and names what is missing in both languages', async () => {
    const duties = holders().filter((h) => !(h.category === 'general' && h.duty === 'checker'));
    const r = await evaluate('memo.O1.procedures', { at: reviewed }, new Date('2025-04-01T00:00:00Z'), duties);
    expect(r).toMatchObject({
      status: 'attention',
      summaryKey: 'checks.procedures.incomplete',
      params: { complete: 5, total: CATEGORIES.length, missingEn: 'General notice: no checker', missingZh: '一般通告：未有核對人' },
    });
  });
  it('counts only active people who hold the right the duty needs, and names them with why', async () => {
    const duties = holders((h) =>
      h.category === 'headcount' && h.duty === 'backup'
        ? { ...h, active: false, name_en: 'Lee Ka Yan', name_zh: '李嘉欣' }
        : h.category === 'headcount' && h.duty === 'checker'
          ? { ...h, holds_right: false, name_en: 'Wong Siu Ming', name_zh: '黃小明' }
          : h,
    );
    const r = await evaluate('memo.O1.procedures', { at: reviewed }, new Date('2025-04-01T00:00:00Z'), duties);
    expect(r.status).toBe('attention');
    expect(r.params).toMatchObject({
      complete: 5,
      missingEn:
        'Student headcount: backup Lee Ka Yan (account disabled); Student headcount: checker Wong Siu Ming (lacks the right to approve returns)',
      missingZh: '實際在學人數點算：後備人李嘉欣（帳戶已停用）；實際在學人數點算：核對人黃小明（沒有批核申報的權限）',
    });
    // Nothing a person reads is a code.
    expect(`${String(r.params?.missingEn)} ${String(r.params?.missingZh)}`).not.toMatch(/exchange\.|lacks_right|inactive|_/);
  });
  it('counts against every category there is: a category with no procedure lacks all three', () => {
    const g = procedureGaps(CATEGORIES, []);
    expect(g.covered).toBe(0);
    expect(g.gaps).toHaveLength(CATEGORIES.length * 3);
    const all = holders().map((h) => ({
      category: h.category,
      duty: h.duty as 'owner' | 'backup' | 'checker',
      userId: h.user_id,
      nameZh: h.name_zh,
      nameEn: h.name_en,
      active: h.active,
      holdsRight: h.holds_right,
    }));
    expect(procedureGaps(CATEGORIES, all).covered).toBe(CATEGORIES.length);
  });
  it('needs attention when complete but never reviewed', async () => {
    const r = await evaluate('memo.O1.procedures', { at: null }, reviewed);
    expect(r).toMatchObject({ status: 'attention', summaryKey: 'checks.procedures.never' });
  });
  it('is ok for twelve calendar months after the review, then due', async () => {
    const ok = await evaluate('memo.O1.procedures', { at: reviewed }, new Date('2026-03-15T01:59:59Z'));
    expect(ok).toMatchObject({ status: 'ok', summaryKey: 'checks.procedures.ok', due: new Date('2026-03-15T02:00:00Z') });
    expect(ok.params).toEqual({ complete: 6, total: 6, date: '2025-03-15' });
    const due = await evaluate('memo.O1.procedures', { at: reviewed }, new Date('2026-03-15T02:00:00Z'));
    expect(due).toMatchObject({ status: 'attention', summaryKey: 'checks.procedures.due' });
  });
  it('is overdue a month after it fell due', async () => {
    const r = await evaluate('memo.O1.procedures', { at: reviewed }, new Date('2026-04-15T02:00:00Z'));
    expect(r).toMatchObject({ status: 'overdue', summaryKey: 'checks.procedures.due' });
  });
});

describe('memo.O2.deadlines: open tasks', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const next = new Date('2026-03-05T00:00:00Z');
  it('is overdue while any task is past its internal due date', async () => {
    const r = await evaluate('memo.O2.deadlines', { overdue: 1, unassigned: 2, open: 4, next }, now);
    expect(r).toMatchObject({ status: 'overdue', summaryKey: 'checks.deadlines.overdue', due: next });
  });
  it('needs attention while a message has nobody assigned', async () => {
    const r = await evaluate('memo.O2.deadlines', { overdue: 0, unassigned: 2, open: 4, next }, now);
    expect(r).toMatchObject({
      status: 'attention',
      summaryKey: 'checks.deadlines.unassigned',
      params: { overdue: 0, unassigned: 2, open: 4 },
    });
  });
  it('is ok otherwise', async () => {
    const r = await evaluate('memo.O2.deadlines', { overdue: 0, unassigned: 0, open: 0, next: null }, now);
    expect(r).toMatchObject({ status: 'ok', summaryKey: 'checks.deadlines.ok', due: null });
  });
});
