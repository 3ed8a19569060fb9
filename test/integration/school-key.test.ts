import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/server/core/db/pglite.js';
import type { Database } from '../../src/server/core/db/types.js';
import { TEST_DB, migratedDump } from '../helpers/db.js';
import { addWrappedItems, keyOrgs, openEveryItem } from '../helpers/school-key.js';
import { type SetupSchool, type TestServer, setupSchool, signInAgain, startTestServer } from '../helpers/server.js';

/**
 * The school key's lifecycle (memo S1, issue 12 part 1; issue 14 item 9): the unlock window,
 * rotation over hundreds of wrapped items (interrupted half way, then complete), recovery shares
 * and recovery, wrong keys, and reading exchange content without the key.
 */
let s: TestServer;
let school: SetupSchool;
let edb: SetupSchool;
let words: string[];
const ITEMS = 300;
const MINUTE = 60_000;

const audits = (action: string) =>
  s.db
    .system((q) => q.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE action = $1', [action]))
    .then((r) => r[0]?.n ?? 0);

/** Make the update of one delivery (the middle one by id, as rotation writes them) fail or take long. */
async function trapMiddleRow(db: Database, schoolId: string, action: 'fail' | 'slow'): Promise<void> {
  const body = action === 'fail' ? `RAISE EXCEPTION 'stopped half way'` : `PERFORM count(*) FROM generate_series(1, 60000000)`;
  await db.systemTx(async (q) => {
    const [mid] = await q.query<{ id: string }>(`SELECT id FROM exchange_deliveries WHERE school_id = $1 ORDER BY id OFFSET $2 LIMIT 1`, [
      schoolId,
      Math.floor(ITEMS / 2),
    ]);
    await q.query(`CREATE FUNCTION key_test_trap() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body}; RETURN NEW; END $$`);
    await q.query(
      `CREATE TRIGGER key_test_trap BEFORE UPDATE ON exchange_deliveries FOR EACH ROW WHEN (OLD.id = '${mid?.id ?? ''}') EXECUTE FUNCTION key_test_trap()`,
    );
  });
}
const untrap = (db: Database) =>
  db.systemTx(async (q) => {
    await q.query('DROP TRIGGER key_test_trap ON exchange_deliveries');
    await q.query('DROP FUNCTION key_test_trap()');
  });

beforeAll(async () => {
  s = await startTestServer();
  edb = await setupSchool(s, 2, 'EDB');
  school = await setupSchool(s, 1);
  words = school.words;
  await addWrappedItems(s.db, { schoolId: school.schoolId, authorityId: edb.schoolId, publisherId: edb.adminId, n: ITEMS });
}, 120_000);
afterAll(async () => {
  await s?.close();
});

describe('the unlock window', () => {
  it('refuses to read exchange content without the key', async () => {
    const r = await school.client.post('/api/exchange/unlock', {});
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('school_key_needed');
    const state = await s.db.system((q) =>
      q.query<{ n: number }>(`SELECT count(*)::int AS n FROM exchange_deliveries WHERE school_id = $1 AND state = 'encrypted'`, [
        school.schoolId,
      ]),
    );
    expect(state[0]?.n).toBe(ITEMS);
  });

  it('accepts the words once, then keeps the key for the window, not after it', async () => {
    const c = school.client;
    expect((await c.get('/api/security/key/unlocked')).body).toEqual({ unlockedUntil: null, windowMinutes: 10 });
    const u = await c.post('/api/security/key/unlock', { words });
    expect(u.status).toBe(200);
    expect(u.body.unlockedUntil).toBe(new Date(s.clock.now().getTime() + 10 * MINUTE).toISOString());
    expect(await audits('school_key.unlocked')).toBe(1);
    s.clock.advance(9 * MINUTE);
    const inbox = await c.post('/api/exchange/unlock', {});
    expect(inbox.status).toBe(200);
    expect(inbox.body).toEqual({ imported: ITEMS, failed: 0 });
    s.clock.advance(2 * MINUTE);
    const late = await c.post('/api/exchange/unlock', {});
    expect(late.body.code).toBe('school_key_needed');
    expect((await c.get('/api/security/key/unlocked')).body.unlockedUntil).toBeNull();
  });

  it('ends at sign-out and with the lock button', async () => {
    const c = school.client;
    await c.post('/api/security/key/unlock', { words });
    expect(s.deps.keyWindow.size).toBe(1);
    const locked = await c.post('/api/security/key/lock', {});
    expect(locked.body.unlockedUntil).toBeNull();
    expect(s.deps.keyWindow.size).toBe(0);
    await c.post('/api/security/key/unlock', { words });
    expect(s.deps.keyWindow.size).toBe(1);
    await c.post('/api/auth/logout', {});
    expect(s.deps.keyWindow.size).toBe(0);
    await signInAgain(s, school);
    expect((await c.post('/api/exchange/unlock', {})).body.code).toBe('school_key_needed');
  });

  it('counts wrong words like a password, audited, and pauses after five', async () => {
    const other = await setupSchool(s, 3);
    const wrong = [...other.words].reverse();
    for (let i = 1; i <= 5; i++)
      expect((await other.client.post('/api/security/key/unlock', { words: wrong })).body.code).toBe('school_key_wrong');
    const sixth = await other.client.post('/api/security/key/unlock', { words: wrong });
    expect(sixth.status).toBe(429);
    expect((await other.client.post('/api/security/key/unlock', { words: other.words })).status).toBe(429);
    const failed = await s.db.system((q) =>
      q.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE chain_id = $1 AND action = 'exchange.key_failed'`, [
        other.schoolId,
      ]),
    );
    expect(failed[0]?.n).toBe(5);
    s.clock.advance(16 * MINUTE);
    await signInAgain(s, other);
    expect((await other.client.post('/api/security/key/unlock', { words: other.words })).status).toBe(200);
  });
});

describe('rotation', () => {
  it('interrupted half way (a failing statement) leaves every item with the old key, which still works', async () => {
    await trapMiddleRow(s.db, school.schoolId, 'fail');
    try {
      const r = await school.client.post('/api/security/key/rotate', { words });
      expect(r.status).toBe(500);
    } finally {
      await untrap(s.db);
    }
    const report = await openEveryItem(s.db, school.schoolId, [words]);
    expect(report).toMatchObject({ total: ITEMS, opened: ITEMS, neither: 0 });
    const status = await school.client.get('/api/security/key');
    expect(status.body.version).toBe(1);
    expect(status.body.history).toHaveLength(1);
    expect(status.body.wrappedCurrent).toBe(ITEMS);
    expect(await audits('school_key.rotated')).toBe(0);
  });

  it('killed half way (SIGKILL of the process rotating) leaves either the old or the new key working for every item', async () => {
    let db: Database;
    let env: Record<string, string>;
    let o: Awaited<ReturnType<typeof keyOrgs>>;
    let dir = '';
    if (TEST_DB === 'pg') {
      db = s.db;
      o = await keyOrgs(db, 9);
      env = { DATABASE_URL: s.tdb.url ?? '' };
    } else {
      dir = join(mkdtempSync(join(tmpdir(), 'sams-key-')), 'data');
      db = await openPglite(dir, { loadDataDir: await migratedDump() });
      o = await keyOrgs(db, 9);
      env = { DATA_DIR: dir };
    }
    await addWrappedItems(db, { schoolId: o.schoolId, authorityId: o.authorityId, publisherId: o.publisherId, n: ITEMS });
    await trapMiddleRow(db, o.schoolId, 'slow');
    if (TEST_DB === 'pglite') await db.close();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/rotate-child.ts'], {
      env: { ...process.env, ...env, SCHOOL_ID: o.schoolId, USER_ID: o.adminId, WORDS: o.words.join(' ') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
    for (let i = 0; i < 300 && !out.includes('rotating'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out, err).toContain('rotating');
    if (TEST_DB === 'pg') {
      // Wait until the rotation's update is running (it sits on the trapped row), then kill.
      for (let i = 0; i < 200; i++) {
        const busy = await s.db.system((q) =>
          q.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'UPDATE exchange_deliveries d SET envelope%'`,
          ),
        );
        if ((busy[0]?.n ?? 0) > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } else await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(out).not.toContain('rotated');
    if (TEST_DB === 'pg')
      await s.db.system((q) =>
        q.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'UPDATE exchange_deliveries d SET envelope%'`,
        ),
      );
    else db = await openPglite(dir);
    const report = await openEveryItem(db, o.schoolId, [o.words]);
    expect(report).toMatchObject({ total: ITEMS, opened: ITEMS, neither: 0 });
    const versions = await db.system((q) =>
      q.query<{ version: number }>('SELECT version FROM school_key_versions WHERE school_id = $1', [o.schoolId]),
    );
    expect(versions).toEqual([{ version: 1 }]);
    await untrap(db);
    if (TEST_DB === 'pglite') await db.close();
  }, 60_000);

  it('rotates: every item rewrapped in one go, old words refused, history, authorities and the notification list told', async () => {
    const c = school.client;
    await c.post('/api/security/key/unlock', { words });
    const r = await c.post('/api/security/key/rotate', {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 2, rewrapped: ITEMS, unreadable: 0 });
    expect(r.body.words).toHaveLength(24);
    const fresh = r.body.words as string[];
    const report = await openEveryItem(s.db, school.schoolId, [words, fresh]);
    expect(report).toMatchObject({ total: ITEMS, opened: ITEMS, neither: 0 });
    expect(report.byFingerprint).toEqual({ [r.body.fingerprint]: ITEMS });
    // The old words no longer unlock; the new ones do (and the window already holds the new key).
    expect((await c.post('/api/exchange/unlock', {})).status).toBe(200);
    expect((await c.post('/api/security/key/unlock', { words })).body.code).toBe('school_key_wrong');
    expect((await c.post('/api/security/key/unlock', { words: fresh })).status).toBe(200);
    const status = (await c.get('/api/security/key')).body;
    expect(status.history.map((h: { version: number; retiredAt: string | null }) => [h.version, !!h.retiredAt])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(status.history[0]).toMatchObject({ createdBy: 'admin1', rewrapped: ITEMS });
    expect(status).toMatchObject({ wrappedCurrent: ITEMS, wrappedOlder: 0 });
    const told = await s.db.system((q) =>
      q.query<{ details: { schoolNumber: string; version: number } }>(
        `SELECT details FROM exchange_events WHERE school_id = $1 AND event = 'school_key_changed'`,
        [edb.schoolId],
      ),
    );
    expect(told.map((t) => t.details)).toEqual([expect.objectContaining({ schoolNumber: school.code, version: 2 })]);
    const notices = await s.db.system((q) =>
      q.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE school_id = $1 AND kind = 'security.school_key_changed'`, [
        school.schoolId,
      ]),
    );
    expect(notices[0]?.n).toBeGreaterThan(0);
    expect(await audits('school_key.rotated')).toBe(1);
    words = fresh;
  });

  it('refuses rotation to someone without the right, and without the key', async () => {
    const r = await school.client.post('/api/security/key/lock', {});
    expect(r.status).toBe(200);
    expect((await school.client.post('/api/security/key/rotate', {})).body.code).toBe('school_key_needed');
  });
});

describe('recovery shares', () => {
  let shares: { holderNo: number; share: string }[];
  let setId: string;

  it('splits the key 2 of 3 and prints each holder a bilingual sheet', async () => {
    const c = school.client;
    const r = await c.post('/api/security/key/shares', {
      words,
      threshold: 2,
      holders: [
        { name: '陳校長 Principal Chan', role: 'principal' },
        { name: '李主任 Mr Lee', role: 'system_admin' },
        { name: '學校保險箱 School safe', role: 'safe' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.shares).toHaveLength(3);
    shares = r.body.shares;
    setId = r.body.setId;
    const sheet = await c.req('POST', `/api/security/key/shares/${setId}/1/sheet`, { share: shares[0]?.share });
    expect(sheet.status).toBe(200);
    expect(sheet.headers['content-type']).toContain('application/pdf');
    expect(String(sheet.body).startsWith('%PDF')).toBe(true);
    // Another holder's share does not print on this holder's sheet.
    expect((await c.post(`/api/security/key/shares/${setId}/1/sheet`, { share: shares[1]?.share })).body.code).toBe(
      'share_confirm_mismatch',
    );
  });

  it('the check wants every share confirmed; a mistyped or wrong share is refused', async () => {
    const check = async () => (await s.deps.checks.evaluateAll(s.db, school.schoolId, s.clock)).find((x) => x.key === 'memo.S1.school-key');
    expect(await check()).toMatchObject({ status: 'attention', summaryKey: 'checks.schoolKey.unconfirmed' });
    const c = school.client;
    const first = shares[0]?.share ?? '';
    const typo = first.slice(0, 10) + (first[10] === 'A' ? 'B' : 'A') + first.slice(11);
    expect((await c.post(`/api/security/key/shares/${setId}/1/confirm`, { share: typo })).body.code).toBe('share_mistyped');
    expect((await c.post(`/api/security/key/shares/${setId}/1/confirm`, { share: shares[2]?.share })).body.code).toBe(
      'share_confirm_mismatch',
    );
    expect(await audits('school_key.share_confirm_failed')).toBe(2);
    for (const sh of shares)
      expect(
        (await c.post(`/api/security/key/shares/${setId}/${sh.holderNo}/confirm`, { share: sh.share.toLowerCase().replaceAll('-', ' ') }))
          .status,
      ).toBe(204);
    expect(await check()).toMatchObject({ status: 'ok', summaryKey: 'checks.schoolKey.ok' });
    const status = (await c.get('/api/security/key')).body;
    expect(status.shares.holders.every((h: { confirmedAt: string | null }) => !!h.confirmedAt)).toBe(true);
  });

  it('two shares give the words back; one share, a typo or shares of another set do not', async () => {
    const c = school.client;
    await c.post('/api/security/key/lock', {});
    const one = await c.post('/api/security/key/recover', { shares: [shares[0]?.share] });
    expect(one.status).toBe(400);
    expect(one.body.code).toBe('shares_too_few');
    const same = await c.post('/api/security/key/recover', { shares: [shares[0]?.share, shares[0]?.share] });
    expect(same.body.code).toBe('shares_too_few');
    const second = shares[1]?.share ?? '';
    const typo = second.replace(/.$/, (ch) => (ch === '0' ? '1' : '0'));
    const mistyped = await c.post('/api/security/key/recover', { shares: [shares[0]?.share, typo] });
    expect(mistyped.body).toMatchObject({ code: 'share_mistyped', errors: [{ path: 'shares.1', code: 'share_mistyped' }] });
    const two = await c.post('/api/security/key/recover', { shares: [shares[2]?.share, shares[0]?.share] });
    expect(two.status).toBe(200);
    expect(two.body.words).toEqual(words);
    expect(two.body.unlockedUntil).not.toBeNull();
    expect(await audits('school_key.recovered')).toBe(1);
    expect(await audits('school_key.recovery_failed')).toBe(3);
    // After a rotation the old shares no longer give the key in force, and the check asks for new ones.
    const rotated = await c.post('/api/security/key/rotate', {});
    expect(rotated.status).toBe(200);
    words = rotated.body.words;
    expect((await c.post('/api/security/key/recover', { shares: [shares[0]?.share, shares[1]?.share] })).body.code).toBe('shares_mismatch');
    const check = (await s.deps.checks.evaluateAll(s.db, school.schoolId, s.clock)).find((x) => x.key === 'memo.S1.school-key');
    expect(check).toMatchObject({ status: 'attention', summaryKey: 'checks.schoolKey.noShares' });
  });

  it("the check asks for a change after the school's period", async () => {
    const c = school.client;
    expect((await c.put('/api/security/key/settings', { rotationMonths: 6 })).status).toBe(204);
    const issued = await c.post('/api/security/key/shares', {
      threshold: 2,
      holders: [
        { name: 'A', role: 'principal' },
        { name: 'B', role: 'safe' },
      ],
    });
    expect(issued.status).toBe(200);
    for (const sh of issued.body.shares as { holderNo: number; share: string }[])
      await c.post(`/api/security/key/shares/${issued.body.setId}/${sh.holderNo}/confirm`, { share: sh.share });
    const check = async () => (await s.deps.checks.evaluateAll(s.db, school.schoolId, s.clock)).find((x) => x.key === 'memo.S1.school-key');
    expect((await check())?.status).toBe('ok');
    s.clock.advance(6 * 31 * 24 * 60 * MINUTE);
    expect(await check()).toMatchObject({ status: 'attention', summaryKey: 'checks.schoolKey.rotate' });
    s.clock.advance(31 * 24 * 60 * MINUTE);
    expect((await check())?.status).toBe('overdue');
  });
});
