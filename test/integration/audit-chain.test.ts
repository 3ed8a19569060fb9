import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audit, verifyAudit } from '../../src/server/core/audit/audit.js';
import { openPglite } from '../../src/server/core/db/pglite.js';
import { TEST_DB, migratedDump } from '../helpers/db.js';
import { type SetupSchool, type TestServer, setupSchool, startTestServer } from '../helpers/server.js';

let s: TestServer;
let a: SetupSchool;
beforeAll(async () => {
  s = await startTestServer();
  a = await setupSchool(s);
  for (const l of ['en', 'zh-HK', 'en', 'zh-HK']) await a.client.put('/api/account/locale', { locale: l });
});
afterAll(() => s?.close());

describe('audit chain', () => {
  it('verifies intact', async () => {
    const r = await s.db.system((q) => verifyAudit(q));
    expect(r.ok).toBe(true);
    expect(r.checked).toBeGreaterThan(5);
  });

  it('the viewer pages newest first and narrows by actor, action and period', async () => {
    const start = s.clock.now();
    for (const locale of ['en', 'zh-HK', 'en']) {
      s.clock.advance(60_000);
      await a.client.put('/api/account/locale', { locale });
    }
    type Page = { entries: { seq: number; details: { locale?: string } }[]; nextBefore: number | null };
    const get = async (query: string) => (await a.client.get(`/api/audit?action=account.locale_changed&${query}`)).body as Page;
    const first = await get('actor=ADMIN1&limit=2');
    expect(first.entries.map((e) => e.details.locale)).toEqual(['en', 'zh-HK']);
    expect(first.nextBefore).toBe(first.entries[1]?.seq);
    const second = await get(`limit=2&before=${first.nextBefore}`);
    expect(second.entries.map((e) => e.details.locale)).toEqual(['en', 'zh-HK']);
    expect(second.entries[0]?.seq).toBeLessThan(first.nextBefore ?? 0);
    const at = (s: number) => encodeURIComponent(new Date(start.getTime() + s * 1000).toISOString());
    const period = await get(`from=${at(90)}&to=${at(150)}`);
    expect(period.entries.map((e) => e.details.locale)).toEqual(['zh-HK']);
    expect(period.nextBefore).toBe(null);
    expect((await get(`from=${at(3600)}`)).entries).toEqual([]);
    expect((await get('actor=nobody')).entries).toEqual([]);
  });

  it('the application role cannot change or delete audit records', async () => {
    await s.db.school(a.schoolId, async (q) => {
      await expect(q.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/permission denied|append-only/);
      await expect(q.query('DELETE FROM audit_log')).rejects.toThrow(/permission denied|append-only/);
    });
    // Even the owner meets the trigger.
    await expect(s.db.system((q) => q.query(`UPDATE audit_log SET action = 'x'`))).rejects.toThrow(/append-only/);
  });

  it('tampering with one row makes verify fail at that row', async () => {
    const [row] = await s.db.system((q) =>
      q.query<{ seq: number }>(
        `SELECT seq FROM audit_log WHERE chain_id = $1 AND action = 'account.locale_changed' ORDER BY seq LIMIT 1 OFFSET 1`,
        [a.schoolId],
      ),
    );
    const seq = row?.seq ?? 0;
    await s.db.systemTx(async (q) => {
      await q.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
      await q.query(`UPDATE audit_log SET details = '{"locale":"fr"}' WHERE chain_id = $1 AND seq = $2`, [a.schoolId, seq]);
      await q.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
    });
    const r = await s.db.system((q) => verifyAudit(q));
    expect(r.ok).toBe(false);
    expect(r.broken).toEqual({ chainId: a.schoolId, seq, reason: 'hash_mismatch' });
  });

  it('`npm run cli -- audit verify` exits non-zero and names the broken row', async () => {
    const run = promisify(execFile);
    let env: Record<string, string | undefined>;
    if (TEST_DB === 'pg') {
      env = { DATABASE_URL: s.tdb.url };
    } else {
      // The test database lives in memory; give the command a data directory with a tampered chain.
      const dir = mkdtempSync(join(tmpdir(), 'sams-cli-'));
      // Opened from the run's migrated dump: no initdb, no migrations (they cost seconds under load).
      const db = await openPglite(dir, { loadDataDir: await migratedDump() });
      for (let i = 0; i < 3; i++) await db.systemTx((q) => audit(q, s.clock, { schoolId: null, action: 'test.event', details: { i } }));
      await db.systemTx(async (q) => {
        await q.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
        await q.query(`UPDATE audit_log SET action = 'test.altered' WHERE seq = 2`);
      });
      await db.close();
      env = { DATA_DIR: dir };
    }
    const err = await run(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', 'audit', 'verify'], {
      env: { ...process.env, SERVER_KEY: undefined, DATABASE_URL: undefined, ...env },
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/BROKEN in chain .* at record \d+/);
  });
});
