/**
 * Issue 14 items 2 and 4, and "the dashboard shows all 20 memo items": every memo item is on the dashboard
 * (monitored or not), its links lead where the reader may go, a reader who cannot fix an item can ask those
 * who can (once per item, recipient and day), and failing checks reach each person as one digest a day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMO_ITEMS } from '../../src/contracts/governance.js';
import { sendDigests } from '../../src/server/modules/governance/service.js';
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
let a: SetupSchool;
let principal: Client;
let principalId: string;
let sysadminId: string;
let teacher: Client;

interface CheckBody {
  key: string;
  memo: string;
  status: string;
  link: string | null;
  linkPermission: string;
  detail: string;
  canAsk: boolean;
  owner: { permission: string; people: string[] };
}
interface OutboxRow {
  to_addr: string;
  subject: string;
  body: string;
  idem_key: string | null;
}

const HOUR = 3_600_000;
/** The server's clock starts at 09:00 Hong Kong time; 16 hours on is 01:00 the next Hong Kong day (sessions still open). */
const NEXT_DAY = 16 * HOUR;
const outbox = () =>
  s.db.system((q) => q.query<OutboxRow>('SELECT to_addr, subject, body, idem_key FROM mail_outbox ORDER BY created_at, id'));
const notices = (userId: string, titleKey: string) =>
  s.db.system((q) =>
    q.query<{ link: string | null; params: Record<string, string> }>(
      'SELECT link, params FROM notifications WHERE user_id = $1 AND title_key = $2 ORDER BY created_at',
      [userId, titleKey],
    ),
  );
const auditCount = (action: string) =>
  s.db.system(
    async (q) => (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE action = $1', [action]))[0]?.n ?? 0,
  );
const deps = () => ({ db: s.db, clock: s.clock, checks: s.deps.checks, smtpConfigured: false });

beforeAll(async () => {
  s = await startTestServer({ SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '168' });
  a = await setupSchool(s, 1);
  const p = await createUser(s, a.client, 'principal1', ['principal']);
  principalId = p.id;
  principal = await firstSignIn(s, 'principal1', p.password, '10.0.1.21');
  const sa = await createUser(s, a.client, 'sysadmin2', ['system_admin']);
  sysadminId = sa.id;
  const t = await createUser(s, a.client, 'teacher1', ['teacher']);
  teacher = await firstSignIn(s, 'teacher1', t.password, '10.0.1.23');
  // People with an address and a language of their own (an English-reading administrator).
  await s.db.system(async (q) => {
    await q.query(`UPDATE users SET email = 'principal@school1.edu.hk' WHERE id = $1`, [principalId]);
    await q.query(`UPDATE users SET email = 'sysadmin2@school1.edu.hk', locale = 'en' WHERE id = $1`, [sysadminId]);
    await q.query(`UPDATE users SET email = 'teacher1@school1.edu.hk' WHERE username = 'teacher1'`);
  });
}, 120_000);
afterAll(() => s?.close());

describe('the dashboard shows all twenty memo items', () => {
  it('lists every item in the memo order; an item without a registered check is "not monitored yet" and counts apart', async () => {
    const r = await principal.get('/api/dashboard');
    expect(r.status).toBe(200);
    const items = r.body.items as { memo: string; status: string; checks: string[] }[];
    expect(items.map((i) => i.memo)).toEqual([...MEMO_ITEMS]);
    // Read from the registry, as the server must: whatever has a check is monitored, the rest are not.
    const registered = new Set(s.deps.checks.list().map((c) => c.memo));
    for (const i of items) {
      expect(i.status === 'unmonitored', i.memo).toBe(!registered.has(i.memo));
      expect(i.checks.length > 0, i.memo).toBe(registered.has(i.memo));
    }
    expect(items.find((i) => i.memo === 'L1')?.status).toBe('unmonitored');
    const summary = r.body.summary as {
      total: number;
      monitored: number;
      unmonitored: number;
      ok: number;
      attention: number;
      overdue: number;
      error: number;
    };
    expect(summary.total).toBe(20);
    expect(summary.monitored).toBe(registered.size);
    expect(summary.unmonitored).toBe(20 - registered.size);
    expect(summary.ok + summary.attention + summary.overdue + summary.error).toBe(summary.monitored);
  });
});

describe('dashboard links respect the reader’s rights', () => {
  it('a link to a fixing page only for someone who may open it; everyone gets the read-only view', async () => {
    const mine = new Set((await principal.get('/api/auth/me')).body.permissions as string[]);
    const asPrincipal = (await principal.get('/api/dashboard')).body.checks as CheckBody[];
    const asAdmin = new Map(((await a.client.get('/api/dashboard')).body.checks as CheckBody[]).map((c) => [c.key, c]));
    for (const c of asPrincipal) {
      const full = asAdmin.get(c.key);
      expect(c.detail).toBe(`/governance/items/${c.key}`);
      expect(c.link, c.key).toBe(mine.has(c.linkPermission) ? (full?.link ?? null) : null);
      expect(full?.link ?? null, `${c.key}: the administrator may open every fixing page`).not.toBeNull();
    }
    const sso = asPrincipal.find((c) => c.key === 'memo.U2.sso-policy');
    expect(sso).toMatchObject({ link: null, linkPermission: 'sso.manage', canAsk: true });
    expect(asPrincipal.find((c) => c.key === 'memo.U1.access-review')).toMatchObject({ link: '/admin/reviews', canAsk: false });
    expect(asAdmin.get('memo.U2.sso-policy')).toMatchObject({ link: '/admin/sso', canAsk: false });
  });

  it('the read-only view of one check: readable with the dashboard right, refused without it', async () => {
    const r = await principal.get('/api/dashboard/checks/memo.U2.sso-policy');
    expect(r.status).toBe(200);
    expect(r.body.check).toMatchObject({ key: 'memo.U2.sso-policy', memo: 'U2', link: null, canAsk: true });
    expect(r.body.check.owner.people.length).toBeGreaterThan(0);
    expect((await principal.get('/api/dashboard/checks/memo.U2.no-such-check')).status).toBe(404);
    expect((await principal.get('/api/dashboard/checks/not-a-key')).status).toBe(400);
    expect((await teacher.get('/api/dashboard/checks/memo.U2.sso-policy')).status).toBe(403);
  });
});

describe('ask them to act', () => {
  it('tells the holders of the right in their own language, once per item and day, audited', async () => {
    const ask = () => principal.post('/api/dashboard/checks/memo.U2.sso-policy/ask');
    const first = await ask();
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ notified: 2, already: false });
    // The administrators hold sso.manage: they go straight to the fixing page.
    const toAdmin = await notices(a.adminId, 'notifications.askedToAct');
    expect(toAdmin).toHaveLength(1);
    expect(toAdmin[0]).toMatchObject({ link: '/admin/sso', params: { memo: 'U2', asker: 'Person l1' } });
    const mails = (await outbox()).filter((m) => m.idem_key?.startsWith('ask-mail:'));
    expect(mails.map((m) => m.to_addr).sort()).toEqual(['admin1@school1.edu.hk', 'sysadmin2@school1.edu.hk']);
    const zh = mails.find((m) => m.to_addr === 'admin1@school1.edu.hk');
    const en = mails.find((m) => m.to_addr === 'sysadmin2@school1.edu.hk');
    expect(zh?.subject).toContain('請你跟進');
    expect(zh?.body).toContain('統一登入');
    expect(en?.subject).toContain('asks you to act');
    expect(en?.body).toContain('Unified login');
    for (const m of mails) expect(m.body).not.toContain('memo.U2.sso-policy');
    expect(await auditCount('governance.owner_asked')).toBe(1);

    s.clock.advance(HOUR);
    expect((await ask()).body).toEqual({ notified: 0, already: true });
    expect(await notices(a.adminId, 'notifications.askedToAct')).toHaveLength(1);
    expect(await auditCount('governance.owner_asked')).toBe(1);

    s.clock.advance(NEXT_DAY);
    expect((await ask()).body).toEqual({ notified: 2, already: false });
    expect(await notices(a.adminId, 'notifications.askedToAct')).toHaveLength(2);
  });

  it('refuses to ask for someone who holds the right, or about a check nobody needs to act on', async () => {
    // The principal holds access_reviews.manage: they act on the access review themselves.
    expect((await principal.post('/api/dashboard/checks/memo.U1.access-review/ask')).status).toBe(409);
    expect((await a.client.post('/api/dashboard/checks/memo.U2.sso-policy/ask')).status).toBe(409);
    expect((await teacher.post('/api/dashboard/checks/memo.U2.sso-policy/ask')).status).toBe(403);
    expect((await principal.post('/api/dashboard/checks/memo.U2.no-such-check/ask')).status).toBe(404);
  });
});

describe('the daily digest', () => {
  const digestMails = async () => (await outbox()).filter((m) => m.idem_key?.startsWith('digest-mail:'));

  it('one digest per person per day however many checks fail; reruns and a second process send nothing more', async () => {
    const failing = ((await a.client.get('/api/dashboard')).body.checks as CheckBody[]).filter((c) => c.status !== 'ok');
    expect(failing.length).toBeGreaterThanOrEqual(5);
    await s.scheduler.tick(true);
    const first = await digestMails();
    const perAddress = new Map<string, number>();
    for (const m of first) perAddress.set(m.to_addr, (perAddress.get(m.to_addr) ?? 0) + 1);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
    // The administrators and the principal are needed (owners, dashboard readers); the teacher is not.
    expect([...perAddress.keys()].sort()).toEqual(['admin1@school1.edu.hk', 'principal@school1.edu.hk', 'sysadmin2@school1.edu.hk']);
    // No per-check message any more (the first start used to queue one per failing check per person).
    expect((await outbox()).filter((m) => m.idem_key?.startsWith('check:'))).toEqual([]);
    const admin = first.find((m) => m.to_addr === 'admin1@school1.edu.hk');
    for (const c of failing) expect(admin?.body, c.key).toContain(`備忘 ${c.memo}`);
    expect(admin?.body).not.toMatch(/memo\.[A-Z]\d\./);
    expect(first.find((m) => m.to_addr === 'sysadmin2@school1.edu.hk')?.subject).toContain('Governance items that need you today');
    expect(await notices(a.adminId, 'notifications.dailyDigest')).toHaveLength(1);
    expect((await notices(a.adminId, 'notifications.dailyDigest'))[0]?.params.count).toBe(String(failing.length));

    // Later the same Hong Kong day (the hourly tick), and a second process at once: nothing more.
    s.clock.advance(2 * HOUR);
    await s.scheduler.tick(true);
    await Promise.all([sendDigests(deps(), a.schoolId), sendDigests(deps(), a.schoolId)]);
    expect(await digestMails()).toHaveLength(first.length);
    expect(await notices(a.adminId, 'notifications.dailyDigest')).toHaveLength(1);
    expect(await auditCount('notify.digest_sent')).toBe(1);
  });

  it('the next Hong Kong day brings the next digest, again one per person', async () => {
    const before = (await digestMails()).length;
    // From 04:00 to 03:00 of the following Hong Kong day.
    s.clock.advance(23 * HOUR);
    await Promise.all([sendDigests(deps(), a.schoolId), sendDigests(deps(), a.schoolId)]);
    await s.scheduler.tick(true);
    expect((await digestMails()).length).toBe(before + 3);
    expect(await notices(principalId, 'notifications.dailyDigest')).toHaveLength(2);
    expect(await auditCount('notify.digest_sent')).toBe(2);
  });

  it('security events on the notification list are still sent at once', async () => {
    const before = (await notices(a.adminId, 'notifications.privilegedGranted')).length;
    const mailsBefore = (await outbox()).length;
    await signInAgain(s, a);
    await createUser(s, a.client, 'sysadmin3', ['system_admin']);
    expect(await notices(a.adminId, 'notifications.privilegedGranted')).toHaveLength(before + 1);
    expect((await outbox()).length).toBeGreaterThan(mailsBefore);
  });
});

describe('monitoring follows the registry', () => {
  it('an item becomes monitored the moment a module registers a check for it', async () => {
    s.deps.checks.register({
      key: 'memo.L1.sharing-for-test',
      memo: 'L1',
      owner: 'governance.dashboard.read',
      linkPermission: 'governance.dashboard.read',
      evaluate: async () => ({ status: 'ok', summaryKey: 'checks.error' }),
    });
    const r = await a.client.get('/api/dashboard');
    expect(r.body.items.find((i: { memo: string }) => i.memo === 'L1')).toMatchObject({
      status: 'ok',
      checks: ['memo.L1.sharing-for-test'],
    });
    expect(r.body.summary.monitored).toBe(new Set(s.deps.checks.list().map((c) => c.memo)).size);
  });
});
