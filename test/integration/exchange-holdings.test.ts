import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/contracts/exchange.js';
import {
  type Client,
  type SetupSchool,
  type TestServer,
  createUser,
  firstSignIn,
  setupSchool,
  signInAgain,
  startTestServer,
} from '../helpers/server.js';

/**
 * Exchange duties are holdings (issue 10, memo O1 and U3): a leaver's handover plan lists their
 * procedure duties and open tasks and hands them to the successor on the day; the O1 check counts
 * only active people who hold the duty's right, over every category, and names who is missing.
 */
let s: TestServer;
let school: SetupSchool;
let edb: SetupSchool;
let principal: Client;
const ids: Record<string, string> = {};
const DAY = 86_400_000;
const day = (n: number) => new Date(s.clock.now().getTime() + 8 * 3600_000 + n * DAY).toISOString().slice(0, 10);

interface Check {
  key: string;
  status: string;
  summaryKey: string;
  params: Record<string, string | number>;
}
const o1 = async () =>
  ((await school.client.get('/api/dashboard')).body.checks as Check[]).find((c) => c.key === 'memo.O1.procedures') as Check;
const procedures = async () =>
  (await school.client.get('/api/exchange/procedures')).body.procedures as {
    category: string;
    owner: { id: string } | null;
    backup: { id: string } | null;
    checker: { id: string } | null;
  }[];
const task = async () => (await school.client.get(`/api/exchange/inbox/${ids.delivery}`)).body;

beforeAll(async () => {
  s = await startTestServer();
  school = await setupSchool(s, 1);
  edb = await setupSchool(s, 3, 'EDB');
  const c = school.client;
  const p = await createUser(s, c, 'principal05', ['principal']);
  principal = await firstSignIn(s, 'principal05', p.password, '10.1.0.9', school.code);
  ids.owner = (await createUser(s, c, 'owner01', ['office_staff'])).id;
  ids.backup = (await createUser(s, c, 'backup02', ['seo'])).id;
  ids.checker = (await createUser(s, c, 'checker03', ['vice_principal'])).id;
  ids.successor = (await createUser(s, c, 'success04', ['office_staff', 'vice_principal'])).id;
  for (const category of CATEGORIES) {
    const r = await c.put(`/api/exchange/procedures/${category}`, {
      ownerId: ids.owner,
      backupId: ids.backup,
      checkerId: ids.checker,
      leadDays: 3,
      notes: null,
    });
    expect(r.status).toBe(204);
  }
  expect((await c.post('/api/exchange/procedures/review')).status).toBe(204);
  const m = await edb.client.post('/api/authority/messages', {
    category: 'headcount',
    subjectCode: 'SHC',
    typeCode: 'SURVEY',
    titleZh: '學生人數統計',
    titleEn: 'Student headcount',
    bodyZh: '請於限期前提交。',
    bodyEn: 'Please submit before the deadline.',
    deadline: new Date(s.clock.now().getTime() + 40 * DAY).toISOString(),
    audience: { levels: [], schoolIds: [school.schoolId] },
  });
  expect(m.status, JSON.stringify(m.body)).toBe(201);
  ids.refNo = m.body.refNo;
  ids.delivery = (await c.get(`/api/exchange/inbox?q=${encodeURIComponent(m.body.refNo)}`)).body.items[0].id;
});
afterAll(() => s?.close());

describe('exchange duties in a handover', () => {
  let plan = '';
  it('the O1 check is ok while every category has an active owner, backup and checker with their rights', async () => {
    expect(await o1()).toMatchObject({ status: 'ok', params: { complete: CATEGORIES.length, total: CATEGORIES.length } });
    expect(await task()).toMatchObject({ checker: { id: ids.checker } });
    expect(
      ((await school.client.get('/api/exchange/procedures')).body.procedures as { complete: boolean }[]).every((x) => x.complete),
    ).toBe(true);
  });

  it("a leaving checker's plan lists every procedure they check and their open task, in words", async () => {
    const r = await school.client.post('/api/handover/plans', { userId: ids.checker, reason: 'leaving', effectiveOn: day(10) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    plan = r.body.id;
    const p = (await school.client.get(`/api/handover/plans/${plan}`)).body;
    const items = p.items as { id: string; kind: string; labelEn: string; labelZh: string }[];
    expect(items.filter((i) => i.kind === 'exchange_procedure').map((i) => i.labelEn)).toEqual(
      expect.arrayContaining([
        'Exchange procedure: Student headcount, checker',
        'Exchange procedure: Enrolment, checker',
        'Exchange procedure: General notice, checker',
      ]),
    );
    expect(items.filter((i) => i.kind === 'exchange_procedure')).toHaveLength(CATEGORIES.length);
    expect(items.find((i) => i.labelZh === '資料交換程序：實際在學人數點算（核對人）')).toBeDefined();
    const tasks = items.filter((i) => i.kind === 'exchange_task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.labelEn).toBe(`Exchange task ${ids.refNo} Student headcount: checker`);
    expect(tasks[0]?.labelZh).toBe(`資料交換工作 ${ids.refNo} 學生人數統計（核對人）`);
    for (const i of items) expect(`${i.labelEn} ${i.labelZh}`).not.toMatch(/exchange_|_id|[0-9a-f]{8}-[0-9a-f]{4}/);
    for (const i of items)
      expect((await school.client.put(`/api/handover/plans/${plan}/items/${i.id}`, { successorId: ids.successor })).status).toBe(204);
    expect((await principal.post(`/api/handover/plans/${plan}/approve`)).status).toBe(204);
  });

  it('on the effective date the duties pass to the successor', async () => {
    s.clock.advance(10 * DAY);
    await s.scheduler.tick(true);
    await s.scheduler.tick(true);
    await signInAgain(s, school);
    for (const p of await procedures())
      expect(p).toMatchObject({ owner: { id: ids.owner }, backup: { id: ids.backup }, checker: { id: ids.successor } });
    expect(await task()).toMatchObject({ owner: { id: ids.owner }, backup: { id: ids.backup }, checker: { id: ids.successor } });
    expect((await o1()).status).toBe('ok');
    // Nothing left with the leaver: a new plan for them would list no exchange duty.
    const again = await s.db.school(school.schoolId, (q) =>
      q.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange_procedures WHERE $1 IN (owner_id, backup_id, checker_id)', [
        ids.checker,
      ]),
    );
    expect(again[0]?.n).toBe(0);
  });
});

describe('the O1 check after the people lose their rights', () => {
  it('goes non-ok and names the owner and backup without the right to prepare and the disabled checker, in both languages', async () => {
    const c = school.client;
    expect((await c.put(`/api/admin/users/${ids.owner}/roles`, { roleIds: [] })).status).toBe(204);
    expect((await c.put(`/api/admin/users/${ids.backup}/roles`, { roleIds: [] })).status).toBe(204);
    // The account disabled as the handover or an administrator would (this test is not about that flow).
    await s.db.systemTx((q) => q.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [ids.successor]));
    const r = await o1();
    expect(r).toMatchObject({
      status: 'attention',
      summaryKey: 'checks.procedures.incomplete',
      params: { complete: 0, total: CATEGORIES.length },
    });
    expect(r.params.missingEn).toContain(
      'Student headcount: owner Person 01 (lacks the right to prepare returns); Student headcount: backup Person 02 (lacks the right to prepare returns); Student headcount: checker Person 04 (account disabled)',
    );
    expect(r.params.missingZh).toContain(
      '實際在學人數點算：負責人Person 01（沒有準備申報的權限）；實際在學人數點算：後備人Person 02（沒有準備申報的權限）；實際在學人數點算：核對人Person 04（帳戶已停用）',
    );
    expect(String(r.params.missingEn).split('; ')).toHaveLength(CATEGORIES.length * 3);
    // The procedures page counts the same way: named is not enough.
    const list = (await c.get('/api/exchange/procedures')).body.procedures as { complete: boolean }[];
    expect(list.filter((x) => x.complete)).toHaveLength(0);
  });
});
