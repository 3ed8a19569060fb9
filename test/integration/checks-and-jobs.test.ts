/** The checks layer and the job helper keep one failure from hiding everything else. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/server/core/checks/registry.js';
import { eachSchool } from '../../src/server/core/scheduler/scheduler.js';
import { type SetupSchool, type TestServer, setupSchool, startTestServer } from '../helpers/server.js';

let s: TestServer;
let a: SetupSchool;
let b: SetupSchool;

beforeAll(async () => {
  s = await startTestServer();
  a = await setupSchool(s, 1);
  b = await setupSchool(s, 2);
});
afterAll(() => s?.close());

describe('checks layer', () => {
  it('a check that throws shows as "could not be checked"; every other check still shows', async () => {
    s.deps.checks.register({
      key: 'memo.L1.broken-for-test',
      memo: 'L1',
      owner: 'governance.dashboard.read',
      linkPermission: 'governance.dashboard.read',
      evaluate: async ({ q }) => {
        await q.query('SELECT * FROM no_such_table');
        throw new Error('unreachable');
      },
    });
    const r = await a.client.get('/api/dashboard');
    expect(r.status).toBe(200);
    const checks = r.body.checks as CheckOutcome[];
    expect(checks.find((c) => c.key === 'memo.L1.broken-for-test')).toMatchObject({ status: 'error', summaryKey: 'checks.error' });
    const others = checks.filter((c) => c.key !== 'memo.L1.broken-for-test');
    expect(others.length).toBeGreaterThanOrEqual(9);
    expect(others.every((c) => c.status !== 'error')).toBe(true);
  });

  it('every check names who must act: the permission and the active people who hold it', async () => {
    const checks = (await a.client.get('/api/dashboard')).body.checks as CheckOutcome[];
    const review = checks.find((c) => c.key === 'memo.U1.access-review');
    expect(review?.status).toBe('attention');
    expect(review?.owner).toEqual({ permission: 'access_reviews.manage', people: ['管理員1 Admin Person 1'] });
    for (const c of checks) expect(c.owner.permission, c.key).toMatch(/^[a-z_]+\.[a-z_.]+$/);
  });
});

describe('forEachSchool', () => {
  it("one school's failure is reported and the others still run", async () => {
    const ran: string[] = [];
    const failures: string[] = [];
    const r = await eachSchool(
      s.db,
      'school',
      async (id) => {
        if (id === a.schoolId) throw new Error('school A is broken');
        ran.push(id);
      },
      (id) => failures.push(id),
    );
    expect(r).toEqual({ done: 1, failed: 1 });
    expect(ran).toEqual([b.schoolId]);
    expect(failures).toEqual([a.schoolId]);
  });
});
