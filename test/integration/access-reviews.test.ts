import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  type SetupSchool,
  type TestServer,
  createUser,
  firstSignIn,
  setupSchool,
  signInAgain,
  startTestServer,
} from '../helpers/server.js';

let s: TestServer;
let admin: SetupSchool;
let c: Client;
let principal: Client;
let principalId = '';
const ids: Record<string, string> = {};

const enrolled = (username: string, password: string, ip: string): Promise<Client> => firstSignIn(s, username, password, ip);

beforeAll(async () => {
  s = await startTestServer();
  admin = await setupSchool(s);
  c = admin.client;
  const p = await createUser(s, c, 'principal1', ['principal']);
  principalId = p.id;
  ids.t1 = (await createUser(s, c, 'teacher01', ['teacher'])).id;
  ids.t2 = (await createUser(s, c, 'teacher02', ['teacher'])).id;
  ids.clerk = (await createUser(s, c, 'clerk001', ['office_staff'])).id;
  // teacher02 has left: their staff record says so.
  const st = (
    await c.post('/api/staff', {
      staffCode: 'T02',
      nameEn: 'Left Teacher',
      status: 'left',
      joinDate: '2010-09-01',
      leaveDate: '2026-08-31',
    })
  ).body.id;
  await c.put(`/api/staff/${st}`, {
    staffCode: 'T02',
    nameEn: 'Left Teacher',
    status: 'left',
    joinDate: '2010-09-01',
    leaveDate: '2026-08-31',
    userId: ids.t2,
    version: 1,
  });
  s.clock.advance(61 * 86_400_000); // nobody but the two who sign in below has signed in for 60 days
  await signInAgain(s, admin);
  principal = await enrolled('principal1', p.password, '10.9.0.1');
});
afterAll(() => s?.close());

describe('access-review campaigns', () => {
  let reviewId = '';
  it('starts over all roles with recommendations, and sends the reviewer’s own rights to a second reviewer', async () => {
    const due = new Date(s.clock.now().getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
    const r = await c.post('/api/access-reviews', { name: 'Annual review 2026', dueOn: due, secondReviewerId: principalId });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    reviewId = r.body.id;
    const d = (await c.get(`/api/access-reviews/${reviewId}`)).body;
    const by = (u: string) => d.items.filter((i: { username: string }) => i.username === u);
    expect(by('teacher01')[0]).toMatchObject({ recommendation: 'inactive', reviewerName: 'admin1' });
    expect(by('teacher02')[0]).toMatchObject({ recommendation: 'staff_left' });
    expect(by('admin1')[0]).toMatchObject({ reviewerName: 'principal1' });
    expect(by('principal1')[0]).toMatchObject({ recommendation: null });
  });

  it('refuses a campaign where the reviewer would review their own rights', async () => {
    const due = new Date(s.clock.now().getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
    expect((await c.post('/api/access-reviews', { name: 'Alone', dueOn: due })).body.code).toBe('own_review');
  });

  it('nobody decides on their own rights; the campaign completes only when every item is decided', async () => {
    const d = (await c.get(`/api/access-reviews/${reviewId}`)).body;
    const own = d.items.find((i: { username: string }) => i.username === 'admin1');
    expect(
      (await c.put(`/api/access-reviews/${reviewId}/items/${own.id}`, { decision: 'keep', reason: 'still the administrator' })).body.code,
    ).toBe('own_review');
    for (const i of d.items.filter((x: { reviewerName: string }) => x.reviewerName === 'admin1')) {
      const decision = i.recommendation ? 'remove' : 'keep';
      expect(
        (await c.put(`/api/access-reviews/${reviewId}/items/${i.id}`, { decision, reason: i.recommendation ?? 'duties unchanged' })).status,
      ).toBe(204);
    }
    expect((await c.post(`/api/access-reviews/${reviewId}/complete`)).body.code).toBe('review_incomplete');
    expect(
      (await principal.put(`/api/access-reviews/${reviewId}/items/${own.id}`, { decision: 'keep', reason: 'system administrator' })).status,
    ).toBe(204);
  });

  it('completing applies every removal at once, keeps the report and makes the U1 check green for 12 months', async () => {
    const t1 = new Client(s, '10.9.0.5');
    await t1.post('/api/auth/login', { username: 'teacher01', password: 'initial password for 9x' });
    expect((await c.post(`/api/access-reviews/${reviewId}/complete`)).status).toBe(204);
    const users = (await c.get('/api/admin/users')).body.users as { username: string; roleIds: string[] }[];
    expect(users.find((u) => u.username === 'teacher01')?.roleIds).toEqual([]);
    expect(users.find((u) => u.username === 'teacher02')?.roleIds).toEqual([]);
    expect(users.find((u) => u.username === 'principal1')?.roleIds).toHaveLength(1);
    const report = await s.app.inject({ method: 'GET', url: `/api/access-reviews/${reviewId}/report`, headers: { cookie: c.cookie } });
    expect(report.body).toContain('teacher01');
    expect(report.body).toContain('remove 撤銷');
    const pdf = await s.app.inject({
      method: 'GET',
      url: `/api/access-reviews/${reviewId}/report?format=pdf`,
      headers: { cookie: c.cookie },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.length).toBeGreaterThan(5000); // the embedded Chinese font subset
    const check = async () =>
      ((await c.get('/api/dashboard')).body.checks as { key: string; status: string }[]).find((x) => x.key === 'memo.U1.access-review')
        ?.status;
    expect(await check()).toBe('ok');
    s.clock.advance(375 * 86_400_000);
    await signInAgain(s, admin);
    expect(await check()).toBe('attention');
    s.clock.advance(35 * 86_400_000);
    await signInAgain(s, admin);
    expect(await check()).toBe('overdue');
  });

  it('recurs: a year after the last one the next campaign starts by itself, and reviewers are reminded once a day', async () => {
    // The clock is now 410 days after the first campaign was completed.
    await s.scheduler.tick(true);
    const reviews = (await c.get('/api/access-reviews')).body.reviews as { name: string; status: string }[];
    expect(reviews.filter((r) => r.status === 'open')).toHaveLength(1);
    expect(reviews[0]?.name).toMatch(/^Annual review 2026 \(\d{4}-\d{2}-\d{2}\)$/);
    // The scheduler started it: audited as the system, not as whoever started the last campaign.
    const started = (await c.get('/api/audit?action=access_reviews.started')).body.entries as {
      actorId: string | null;
      actorName: string | null;
      details: { name: string };
    }[];
    const recurring = started.filter((e) => e.details.name === reviews[0]?.name);
    expect(recurring).toHaveLength(1);
    expect(recurring[0]).toMatchObject({ actorName: 'system:access_reviews.recur', actorId: null });
    expect(started.find((e) => e.details.name === 'Annual review 2026')).toMatchObject({ actorName: 'admin1' });
    await s.scheduler.tick(true);
    expect(((await c.get('/api/access-reviews')).body.reviews as unknown[]).length).toBe(2);
    await s.scheduler.tick(true);
    const notes = (await c.get('/api/notifications')).body.notifications.filter(
      (n: { titleKey: string }) => n.titleKey === 'notifications.reviewReminder',
    );
    expect(notes).toHaveLength(1);
  });
});
