/**
 * Memo O3, issue 11 parts 1, 2 and 5: the work calendar is made from the templates once per year
 * (making it twice adds nothing), owners must be people who may see the plan, a task is done once with
 * who and when, it links to an exchange task read through the exchange's service; the transition plan's
 * steps are refused out of order with a clear code; reminders go once per due date however often the
 * job runs; the O3 checks move through ok, attention and overdue as the clock moves; and a teacher
 * without planning.manage is refused, changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../helpers/server.js';
import {
  Client as HttpClient,
  type SetupSchool,
  type TestServer,
  createUser,
  setupSchool,
  signInAgain,
  startTestServer,
  totpNow,
} from '../helpers/server.js';
import { exchangeFixture } from '../helpers/factories.js';
import { snapshot } from '../helpers/snapshot.js';

let s: TestServer;
let a: SetupSchool;
let seo: Client;
let principal: Client;
let teacher: Client;
let seoId: string;
let teacherId: string;

interface Task {
  id: string;
  key: string | null;
  dueOn: string;
  month: number;
  status: string;
  dueState: string;
  owner: string | null;
  doneBy: string | null;
  note: string | null;
  version: number;
  exchangeTask: { titleEn: string } | null;
}
interface Step {
  id: string;
  step: string;
  done: boolean;
  ready: boolean;
  version: number;
  dueOn: string;
}

const sql = (text: string, params: unknown[] = []) => s.db.system((q) => q.query<Record<string, unknown>>(text, params));

beforeAll(async () => {
  s = await startTestServer();
  a = await setupSchool(s, 1);
  // 2026/27 is the school's first year, so it is current; the plan leads into 2027/28.
  expect((await a.client.post('/api/school/years', { startYear: 2026 })).status).toBe(201);
  const u1 = await createUser(s, a.client, 'seo01', ['seo']);
  const u2 = await createUser(s, a.client, 'principal01', ['principal']);
  const u3 = await createUser(s, a.client, 'teacher01', ['teacher']);
  seoId = u1.id;
  teacherId = u3.id;
  seo = await firstSignIn('seo01', u1.password, '10.0.1.11');
  principal = await firstSignIn('principal01', u2.password, '10.0.1.12');
  teacher = await firstSignIn('teacher01', u3.password, '10.0.1.13');
});
afterAll(() => s?.close());

const calendar = async (c: Client = seo, year?: number) => {
  const r = await c.get(`/api/planning/calendar${year ? `?year=${year}` : ''}`);
  expect(r.status).toBe(200);
  return r.body as { startYear: number; instantiated: boolean; tasks: Task[]; progress: { total: number; done: number; overdue: number } };
};
const task = async (key: string) => {
  const t = (await calendar()).tasks.find((x) => x.key === key);
  if (!t) throw new Error(`no task ${key}`);
  return t;
};
const steps = async (c: Client = seo) => {
  const r = await c.get('/api/planning/plan');
  expect(r.status).toBe(200);
  return r.body as { startYear: number; plan: { steps: Step[]; progress: { done: number; total: number } } | null };
};
const step = async (name: string) => {
  const found = (await steps()).plan?.steps.find((x) => x.step === name);
  if (!found) throw new Error(`no step ${name}`);
  return found;
};
const check = async (key: string) => {
  const all = await s.deps.checks.evaluateAll(s.db, a.schoolId, s.clock);
  const c = all.find((x) => x.key === key);
  if (!c) throw new Error(`no check ${key}`);
  return c;
};
/** Reminders a person got about one task or step (the key names the item and its due date). */
const notices = async (userId: string, itemId: string) =>
  (
    await sql(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND kind = 'planning.due' AND idem_key LIKE $2`, [
      userId,
      `%${itemId}%`,
    ])
  )[0]?.n as number;

describe('the work calendar', () => {
  it('ships the Hong Kong cycle as templates and makes a year from them once', async () => {
    const templates = (await seo.get('/api/planning/templates')).body.templates as { key: string | null; month: number }[];
    expect(templates.map((t) => t.key)).toEqual(
      expect.arrayContaining([
        'exam_registration',
        'headcount',
        'enrolment_survey',
        's1_discretionary',
        'allocation_choices',
        'allocation_results',
        'year_transition',
      ]),
    );
    // September first.
    expect(templates[0]?.month).toBe(9);
    expect((await calendar()).instantiated).toBe(false);
    const made = await seo.post('/api/planning/calendar/instantiate', { startYear: 2026 });
    expect(made.status).toBe(200);
    expect(made.body.added).toBe(templates.length);
    expect((await seo.post('/api/planning/calendar/instantiate', { startYear: 2026 })).body.added).toBe(0);
    const c = await calendar();
    expect(c.startYear).toBe(2026);
    expect(c.tasks).toHaveLength(templates.length);
    expect((await task('headcount')).dueOn).toBe('2026-10-20');
    // January falls in the next calendar year of the school year.
    expect((await task('s1_discretionary')).dueOn).toBe('2027-01-20');
    // The clock is 2 November 2026: September's and October's tasks are overdue.
    expect((await task('headcount')).dueState).toBe('overdue');
  });

  it('takes a template the school adds, leaves out a retired one, and refuses a stale edit', async () => {
    const add = await seo.post('/api/planning/templates', { titleZh: '家長日', titleEn: 'Parents day', month: 2, day: 31 });
    expect(add.status).toBe(201);
    expect((await seo.post('/api/planning/calendar/instantiate', { startYear: 2026 })).body.added).toBe(1);
    // 31 February is the month's last day.
    expect((await calendar()).tasks.find((t) => t.dueOn === '2027-02-28')).toBeDefined();
    const body = { titleZh: '家長日', titleEn: 'Parents day', month: 2, day: 31, ownerId: null, active: false, version: 1 };
    expect((await seo.put(`/api/planning/templates/${add.body.id}`, body)).status).toBe(204);
    expect((await seo.put(`/api/planning/templates/${add.body.id}`, body)).body.code).toBe('version_conflict');
    const next = await seo.post('/api/planning/calendar/instantiate', { startYear: 2027 });
    expect(next.body.added).toBe((await calendar(seo, 2027)).tasks.length);
    expect((await calendar(seo, 2027)).tasks.some((t) => t.dueOn === '2028-02-29')).toBe(false);
    // The 2026/27 task made before the retirement stays.
    expect((await calendar()).tasks.some((t) => t.dueOn === '2027-02-28')).toBe(true);
  });

  it('names owners among the people who may see the plan', async () => {
    const t = await task('headcount');
    const put = (ownerId: string | null, version: number) =>
      seo.put(`/api/planning/tasks/${t.id}`, { ownerId, dueOn: t.dueOn, exchangeTaskId: null, version });
    const refused = await put(teacherId, t.version);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('person_lacks_right');
    expect((await put(seoId, t.version)).status).toBe(204);
    expect((await task('headcount')).owner).toContain('Person 01');
  });

  it('links a task to an exchange task, read through the exchange', async () => {
    const edb = await setupSchool(s, 9, 'EDB');
    const f = await exchangeFixture(s.db, { authorityId: edb.schoolId, publisherId: edb.adminId, schoolId: a.schoolId, ref: 'EDB-HC-1' });
    const t = await task('exam_registration');
    const unknown = await seo.put(`/api/planning/tasks/${t.id}`, {
      ownerId: null,
      dueOn: t.dueOn,
      exchangeTaskId: '00000000-0000-4000-8000-000000000001',
      version: t.version,
    });
    expect(unknown.body.code).toBe('exchange_task_unknown');
    expect(
      (await seo.put(`/api/planning/tasks/${t.id}`, { ownerId: null, dueOn: t.dueOn, exchangeTaskId: f.deliveryId, version: t.version }))
        .status,
    ).toBe(204);
    expect((await task('exam_registration')).exchangeTask?.titleEn).toBe('Test notice');
    const links = await seo.get('/api/planning/exchange-tasks');
    expect(links.body.tasks.map((x: { id: string }) => x.id)).toContain(f.deliveryId);
  });

  it('marks a task done once, with who, when and a note, and opens it again', async () => {
    const t = await task('enrolment_survey');
    expect((await seo.post(`/api/planning/tasks/${t.id}/done`, { note: 'Sent on 18/9' })).status).toBe(204);
    const done = await task('enrolment_survey');
    expect(done).toMatchObject({ status: 'done', dueState: 'done', note: 'Sent on 18/9' });
    expect(done.doneBy).toContain('Person 01');
    const again = await seo.post(`/api/planning/tasks/${t.id}/done`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('planning_already_done');
    expect((await seo.post(`/api/planning/tasks/${t.id}/reopen`, {})).status).toBe(204);
    expect((await task('enrolment_survey')).status).toBe('open');
    expect((await seo.post(`/api/planning/tasks/${t.id}/done`, {})).status).toBe(204);
    const progress = (await calendar(principal)).progress;
    expect(progress.done).toBe(1);
  });

  it('refuses a teacher without planning rights and a principal who only reads, changing nothing', async () => {
    const t = await task('headcount');
    const before = await snapshot(s.db);
    for (const [c, reads] of [
      [teacher, false],
      [principal, true],
    ] as const) {
      expect((await c.get('/api/planning/calendar')).status).toBe(reads ? 200 : 403);
      expect((await c.get('/api/planning/plan')).status).toBe(reads ? 200 : 403);
      expect((await c.post(`/api/planning/tasks/${t.id}/done`, {})).status).toBe(403);
      expect(
        (await c.put(`/api/planning/tasks/${t.id}`, { ownerId: null, dueOn: t.dueOn, exchangeTaskId: null, version: t.version })).status,
      ).toBe(403);
      expect((await c.post('/api/planning/templates', { titleZh: '測試', titleEn: 'Test', month: 3, day: 1 })).status).toBe(403);
      expect((await c.post('/api/planning/calendar/instantiate', { startYear: 2028 })).status).toBe(403);
      expect((await c.post('/api/planning/plan', { startYear: 2027 })).status).toBe(403);
    }
    expect(await snapshot(s.db)).toEqual(before);
    expect((await task('headcount')).status).toBe('open');
  });

  it('reminds the owner once per due date, however often the job runs, and again when the date moves', async () => {
    const t = await task('headcount');
    const before = await notices(seoId, t.id);
    await s.scheduler.tick(true);
    await s.scheduler.tick(true);
    expect(await notices(seoId, t.id)).toBe(before + 1);
    const [n] = await sql(
      `SELECT title_key, params, link FROM notifications WHERE user_id = $1 AND kind = 'planning.due' ORDER BY created_at DESC LIMIT 1`,
      [seoId],
    );
    expect(n).toMatchObject({ title_key: 'notifications.planningTaskDue', link: '/planning' });
    // A day later nothing new is due for this task; moving its date is a new reminder.
    s.clock.advance(86_400_000);
    await s.scheduler.tick(true);
    expect(await notices(seoId, t.id)).toBe(before + 1);
    await signInAgainAll();
    expect(
      (await seo.put(`/api/planning/tasks/${t.id}`, { ownerId: seoId, dueOn: '2026-11-05', exchangeTaskId: null, version: t.version }))
        .status,
    ).toBe(204);
    await s.scheduler.tick(true);
    await s.scheduler.tick(true);
    expect(await notices(seoId, t.id)).toBe(before + 2);
    // Only its owner hears of it; a task nobody owns goes to the holders of planning.manage (the administrator holds it too).
    expect(await notices(a.adminId, t.id)).toBe(0);
    const unowned = await task('exam_registration');
    expect(await notices(a.adminId, unowned.id)).toBe(1);
    expect(await notices(seoId, unowned.id)).toBe(1);
    expect(await notices(teacherId, unowned.id)).toBe(0);
  });
});

/** Each person's password and second-factor secret, to sign in again after the clock moved. */
const credentials = new Map<string, { password: string; secret: string | null }>();

/** A new person signs in: changes the initial password and enrols a second factor when required. */
async function firstSignIn(username: string, initial: string, ip: string): Promise<Client> {
  const c = new HttpClient(s, ip);
  await c.post('/api/auth/login', { username, password: initial, school: a.code });
  await c.refreshCsrf();
  const password = `${initial} changed`;
  await c.post('/api/account/password', { currentPassword: initial, newPassword: password });
  await c.refreshCsrf();
  const start = await c.post('/api/account/mfa/enrol/start');
  const secret = start.status === 200 ? (start.body.secret as string) : null;
  if (secret) await c.post('/api/account/mfa/enrol/confirm', { code: await totpNow(s, secret) });
  await c.refreshCsrf();
  credentials.set(username, { password, secret });
  return c;
}

async function relogin(username: string, c: Client): Promise<Client> {
  const cred = credentials.get(username);
  if (!cred) throw new Error(`no credentials for ${username}`);
  c.cookie = '';
  const r = await c.post('/api/auth/login', { username, password: cred.password, school: a.code });
  await c.refreshCsrf();
  if (r.body.stage === 'mfa' && cred.secret) await c.post('/api/auth/mfa', { code: await totpNow(s, cred.secret) });
  const me = await c.refreshCsrf();
  if (me.status !== 200) throw new Error(`sign-in of ${username}: ${JSON.stringify(r.body)}`);
  return c;
}

/** The clock moved past the sessions' limits: sign everyone in again (a step later, so second-factor codes are new). */
async function signInAgainAll() {
  s.clock.advance(31_000);
  await signInAgain(s, a);
  seo = await relogin('seo01', seo);
  principal = await relogin('principal01', principal);
}

describe('memo O3: the transition plan check over moved dates', () => {
  const at = (iso: string) => s.clock.set(new Date(iso));

  it('has no plan: ok until 30 April, attention from 1 May, overdue from 2 June (started by 1 June includes the day; Hong Kong time)', async () => {
    at('2027-04-30T15:59:00Z');
    expect(await check('memo.O3.transition')).toMatchObject({ status: 'ok', summaryKey: 'checks.transition.notDue' });
    at('2027-04-30T16:00:00Z');
    const soon = await check('memo.O3.transition');
    expect(soon).toMatchObject({ status: 'attention', summaryKey: 'checks.transition.startSoon' });
    expect(soon.params).toMatchObject({ year: '2027/28', dateEn: '01/06/2027', dateZh: '2027年6月1日' });
    at('2027-06-01T15:59:00Z');
    expect(await check('memo.O3.transition')).toMatchObject({ status: 'attention', summaryKey: 'checks.transition.startSoon' });
    at('2027-06-01T16:00:00Z');
    expect(await check('memo.O3.transition')).toMatchObject({ status: 'overdue', summaryKey: 'checks.transition.notStarted' });
  });
});

describe('the transition plan', () => {
  it('starts once for the year after the current one, with six ordered steps', async () => {
    s.clock.set(new Date('2027-03-01T02:00:00Z'));
    await signInAgainAll();
    expect((await steps()).plan).toBeNull();
    const r = await seo.post('/api/planning/plan', { startYear: 2027 });
    expect(r.status).toBe(201);
    expect((await seo.post('/api/planning/plan', { startYear: 2027 })).body.code).toBe('conflict');
    const p = await steps(principal);
    expect(p.startYear).toBe(2027);
    expect(p.plan?.steps.map((x) => x.step)).toEqual([
      'plan_classes',
      'decide_promotion',
      'admit_intake',
      'assign_classes',
      'check',
      'migrate',
    ]);
    expect(p.plan?.steps.map((x) => x.ready)).toEqual([true, false, false, false, false, false]);
  });

  it('refuses a step before the steps it depends on, naming them', async () => {
    const promote = await step('decide_promotion');
    const early = await seo.post(`/api/planning/plan/steps/${promote.id}/done`, {});
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('step_dependencies_open');
    expect(early.body.errors).toEqual([{ path: 'plan_classes', code: 'not_done' }]);
    expect((await step('decide_promotion')).done).toBe(false);
    expect(
      (await seo.post(`/api/planning/plan/steps/${(await step('plan_classes')).id}/done`, { note: 'Classes for 2027/28 agreed' })).status,
    ).toBe(204);
    expect((await seo.post(`/api/planning/plan/steps/${promote.id}/done`, {})).status).toBe(204);
    const assign = await seo.post(`/api/planning/plan/steps/${(await step('assign_classes')).id}/done`, {});
    expect(assign.body.code).toBe('step_dependencies_open');
    expect(assign.body.errors).toEqual([{ path: 'admit_intake', code: 'not_done' }]);
    // The migration is the rollover's; a step others depend on cannot be opened again under them.
    expect((await seo.post(`/api/planning/plan/steps/${(await step('migrate')).id}/done`, {})).body.code).toBe('step_done_by_migration');
    const reopen = await seo.post(`/api/planning/plan/steps/${(await step('plan_classes')).id}/reopen`, {});
    expect(reopen.body.code).toBe('step_dependants_done');
    expect(reopen.body.errors).toEqual([{ path: 'decide_promotion', code: 'done' }]);
    const p = (await steps(principal)).plan;
    expect(p?.progress).toMatchObject({ done: 2, total: 6 });
  });

  it('memo O3: on schedule, attention for a step with nobody named, overdue for a late step and for no migration by 1 September', async () => {
    await sql(`UPDATE planning_transition_steps SET owner_id = $1`, [seoId]);
    s.clock.set(new Date('2027-06-14T04:00:00Z'));
    const ok = await check('memo.O3.transition');
    expect(ok).toMatchObject({ status: 'ok', summaryKey: 'checks.transition.onSchedule' });
    expect(ok.params).toMatchObject({ done: 2, total: 6, dateEn: '20/07/2027' });
    await sql(`UPDATE planning_transition_steps SET owner_id = NULL WHERE step = 'check'`);
    const unowned = await check('memo.O3.transition');
    expect(unowned).toMatchObject({ status: 'attention', summaryKey: 'checks.transition.unowned' });
    expect(unowned.params).toMatchObject({ stepsEn: 'Check', stepsZh: '核對' });
    await sql(`UPDATE planning_transition_steps SET owner_id = $1`, [seoId]);
    // admit_intake is due 20 July: open on the 21st (Hong Kong) it is late.
    s.clock.set(new Date('2027-07-20T15:59:00Z'));
    expect((await check('memo.O3.transition')).status).toBe('ok');
    s.clock.set(new Date('2027-07-20T16:00:00Z'));
    const late = await check('memo.O3.transition');
    expect(late).toMatchObject({ status: 'overdue', summaryKey: 'checks.transition.late' });
    expect(late.evidence.join(' ')).toContain('Admit the new intake (20/07/2027)');
    await sql(`UPDATE planning_transition_steps SET done_at = $1, done_by = $2 WHERE step <> 'migrate'`, [s.clock.now(), seoId]);
    s.clock.set(new Date('2027-08-31T15:59:00Z'));
    expect((await check('memo.O3.transition')).status).toBe('ok');
    s.clock.set(new Date('2027-08-31T16:00:00Z'));
    expect(await check('memo.O3.transition')).toMatchObject({ status: 'overdue', summaryKey: 'checks.transition.notMigrated' });
  });

  it('counts the migration done when the new year becomes current (read through the school records)', async () => {
    s.clock.set(new Date('2027-08-20T02:00:00Z'));
    await signInAgainAll();
    const y = await a.client.post('/api/school/years', { startYear: 2027 });
    expect((await a.client.post(`/api/school/years/${y.body.id}/make-current`, {})).status).toBe(204);
    const p = (await seo.get('/api/planning/plan?year=2027')).body.plan as { steps: Step[]; progress: { done: number } };
    expect(p.steps.find((x) => x.step === 'migrate')?.done).toBe(true);
    expect(p.progress.done).toBe(6);
    // The next plan is now 2028/29's, not yet due.
    expect((await steps()).startYear).toBe(2028);
    expect(await check('memo.O3.transition')).toMatchObject({ status: 'ok', summaryKey: 'checks.transition.notDue' });
  });
});

describe('memo O3: the calendar check', () => {
  it('needs the current year made, overdue tasks are overdue, unowned tasks due soon need attention', async () => {
    // 2027/28 is current now and its calendar was made above; on 14 September the enrolment survey is due within the week.
    s.clock.set(new Date('2027-09-02T02:00:00Z'));
    expect(await check('memo.O3.calendar')).toMatchObject({ status: 'ok', summaryKey: 'checks.calendar.ok' });
    s.clock.set(new Date('2027-09-14T02:00:00Z'));
    const first = await check('memo.O3.calendar');
    expect(first.summaryKey).toBe('checks.calendar.unowned');
    expect(first.status).toBe('attention');
    await sql(`UPDATE planning_tasks SET owner_id = $1 WHERE start_year = 2027`, [seoId]);
    expect(await check('memo.O3.calendar')).toMatchObject({ status: 'ok', summaryKey: 'checks.calendar.ok' });
    s.clock.set(new Date('2027-09-21T02:00:00Z'));
    const overdue = await check('memo.O3.calendar');
    expect(overdue).toMatchObject({ status: 'overdue', summaryKey: 'checks.calendar.overdue' });
    expect(overdue.evidence.join(' ')).toContain('Enrolment survey at the start of the year (20/09/2027)');
    await sql(`DELETE FROM planning_tasks WHERE start_year = 2027`);
    expect(await check('memo.O3.calendar')).toMatchObject({ status: 'attention', summaryKey: 'checks.calendar.notMade' });
  });
});
