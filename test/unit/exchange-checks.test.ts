import { describe, expect, it } from 'vitest';
import { CheckRegistry } from '../../src/server/core/checks/registry.js';
import type { Queryable } from '../../src/server/core/db/types.js';
import { registerExchangeChecks } from '../../src/server/modules/exchange/checks.js';

/** The exchange's checks over a stand-in connection that answers one row, whatever is asked. */
function evaluate(key: string, row: Record<string, unknown>, now: Date) {
  const registry = new CheckRegistry();
  registerExchangeChecks(registry);
  const check = registry.list().find((c) => c.key === key);
  if (!check) throw new Error(`no check ${key}`);
  const q: Queryable = { query: async <T>() => [row as T] };
  return check.evaluate({ q, schoolId: '00000000-0000-0000-0000-000000000001', now });
}

describe('memo.O1.procedures: every category covered, reviewed every year', () => {
  const reviewed = new Date('2025-03-15T02:00:00Z');
  it('needs attention while a category lacks an owner, a backup or a checker', async () => {
    const r = await evaluate('memo.O1.procedures', { at: reviewed, complete: 5 }, new Date('2025-04-01T00:00:00Z'));
    expect(r).toMatchObject({ status: 'attention', summaryKey: 'checks.procedures.incomplete', params: { complete: 5, total: 6 } });
  });
  it('needs attention when complete but never reviewed', async () => {
    const r = await evaluate('memo.O1.procedures', { at: null, complete: 6 }, reviewed);
    expect(r).toMatchObject({ status: 'attention', summaryKey: 'checks.procedures.never' });
  });
  it('is ok for twelve calendar months after the review, then due', async () => {
    const ok = await evaluate('memo.O1.procedures', { at: reviewed, complete: 6 }, new Date('2026-03-15T01:59:59Z'));
    expect(ok).toMatchObject({ status: 'ok', summaryKey: 'checks.procedures.ok', due: new Date('2026-03-15T02:00:00Z') });
    expect(ok.params).toEqual({ complete: 6, total: 6, date: '2025-03-15' });
    const due = await evaluate('memo.O1.procedures', { at: reviewed, complete: 6 }, new Date('2026-03-15T02:00:00Z'));
    expect(due).toMatchObject({ status: 'attention', summaryKey: 'checks.procedures.due' });
  });
  it('is overdue a month after it fell due', async () => {
    const r = await evaluate('memo.O1.procedures', { at: reviewed, complete: 6 }, new Date('2026-04-15T02:00:00Z'));
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
