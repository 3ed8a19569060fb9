/** The dashboard's and the digest's rules at their edges (modules/governance/policy.ts, digest/compose.ts). */
import { describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/server/core/checks/registry.js';
import { whatNeedsThem, needingAction } from '../../src/server/modules/governance/digest/compose.js';
import { itemStatus, memoItems, summarise, viewFor } from '../../src/server/modules/governance/policy.js';

const check = (key: string, status: CheckOutcome['status'], over: Partial<CheckOutcome> = {}): CheckOutcome => {
  const memo = key.split('.')[1] ?? '';
  return {
    key,
    memo,
    area: 'user',
    status,
    summaryKey: 'checks.error',
    params: {},
    evidence: [],
    link: '/admin/sso',
    linkPermission: 'sso.manage',
    due: null,
    owner: { permission: 'sso.manage', people: ['陳大文 Chan Tai Man'] },
    ...over,
  };
};

describe('a memo item’s standing', () => {
  it('is the worst of its checks, a check that could not be evaluated never reading as in order', () => {
    expect(itemStatus([])).toBe('unmonitored');
    expect(itemStatus(['ok', 'ok'])).toBe('ok');
    expect(itemStatus(['ok', 'attention'])).toBe('attention');
    expect(itemStatus(['attention', 'error'])).toBe('error');
    expect(itemStatus(['error', 'overdue', 'ok'])).toBe('overdue');
  });

  it('lists all twenty items; the figure counts unmonitored items apart', () => {
    const items = memoItems([check('memo.U2.sso-policy', 'attention'), check('memo.U2.network-policy', 'ok'), check('memo.S1.x', 'ok')]);
    expect(items).toHaveLength(20);
    expect(items.find((i) => i.memo === 'U2')).toMatchObject({
      status: 'attention',
      checks: ['memo.U2.sso-policy', 'memo.U2.network-policy'],
    });
    expect(items.find((i) => i.memo === 'C7')).toMatchObject({ area: 'cloud', status: 'unmonitored', checks: [] });
    expect(summarise(items)).toEqual({ total: 20, monitored: 2, ok: 1, attention: 1, overdue: 0, error: 0, unmonitored: 18 });
  });
});

describe('what a reader is offered', () => {
  const principal = { permissions: new Set(['governance.dashboard.read', 'users.read']) };
  const admin = { permissions: new Set(['governance.dashboard.read', 'sso.manage']) };

  it('the fixing page only with the right it needs; the read-only view always', () => {
    expect(viewFor(check('memo.U2.sso-policy', 'attention'), principal)).toMatchObject({
      link: null,
      detail: '/governance/items/memo.U2.sso-policy',
      canAsk: true,
    });
    expect(viewFor(check('memo.U2.sso-policy', 'attention'), admin)).toMatchObject({ link: '/admin/sso', canAsk: false });
    const users = check('memo.U1.privileged-count', 'attention', {
      link: '/admin/users',
      linkPermission: 'users.read',
      owner: { permission: 'roles.assign', people: ['x'] },
    });
    // May open the page (read-only there) but not put it right: both the link and the ask.
    expect(viewFor(users, principal)).toMatchObject({ link: '/admin/users', canAsk: true });
  });

  it('no ask while the check is in order or nobody holds the right', () => {
    expect(viewFor(check('memo.U2.sso-policy', 'ok'), principal).canAsk).toBe(false);
    const nobody = check('memo.U2.sso-policy', 'overdue', { owner: { permission: 'sso.manage', people: [] } });
    expect(viewFor(nobody, principal).canAsk).toBe(false);
  });
});

describe('who the digest tells', () => {
  const failing = needingAction([
    check('memo.S1.admin-mfa', 'attention', { owner: { permission: 'users.manage', people: [] } }),
    check('memo.U2.sso-policy', 'overdue'),
    check('memo.U1.ok', 'ok'),
  ]);
  const people = [
    { id: 'principal', permissions: ['governance.dashboard.read'] },
    { id: 'admin', permissions: ['users.manage', 'sso.manage'] },
    { id: 'teacher', permissions: ['students.read'] },
    { id: 'listed-teacher', permissions: [] },
  ];

  it('orders what is not ok by the memo and leaves out what is', () => {
    expect(failing.map((c) => c.key)).toEqual(['memo.U2.sso-policy', 'memo.S1.admin-mfa']);
  });

  it('owners get theirs; while nobody is listed, the dashboard readers get all; people with nothing get nothing', () => {
    const m = whatNeedsThem(failing, people, { userIds: new Set(), anyone: false });
    expect(m.get('principal')?.map((c) => c.key)).toEqual(['memo.U2.sso-policy', 'memo.S1.admin-mfa']);
    expect(m.get('admin')).toHaveLength(2);
    expect(m.has('teacher')).toBe(false);
  });

  it('once someone is listed for failing checks, the list replaces the dashboard readers', () => {
    const m = whatNeedsThem(failing, people, { userIds: new Set(['listed-teacher']), anyone: true });
    expect(m.has('principal')).toBe(false);
    expect(m.get('listed-teacher')).toHaveLength(2);
    expect(m.get('admin')).toHaveLength(2);
  });
});
