import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, recordHash, verifyAudit } from '../../src/server/core/audit/audit.js';
import { AuditCheckpoints, checkpointFile, checkpointKey, verifyAuditAnchored } from '../../src/server/core/audit/checkpoint.js';
import type { StoredAuditRow } from '../../src/server/core/audit/queries.js';
import type { Database, Queryable } from '../../src/server/core/db/types.js';
import { openPglite } from '../../src/server/core/db/pglite.js';
import { TEST_DB, migratedDump } from '../helpers/db.js';
import { type SetupSchool, type TestServer, setupSchool, startTestServer } from '../helpers/server.js';

let s: TestServer;
let a: SetupSchool;
beforeAll(async () => {
  s = await startTestServer();
  a = await setupSchool(s);
});
afterAll(() => s?.close());

const file = () => checkpointFile(s.deps.config.DATA_DIR);
const key = () => checkpointKey(s.deps.serverKey);
const lines = () => readFileSync(file(), 'utf8').trim().split('\n');
const headOf = async (db: Database, chainId: string) =>
  (await db.system((q) => q.query<{ seq: number }>('SELECT seq FROM audit_heads WHERE chain_id = $1', [chainId])))[0]?.seq ?? 0;

async function someActivity(n: number) {
  for (let i = 0; i < n; i++) {
    s.clock.advance(1000);
    await a.client.put('/api/account/locale', { locale: i % 2 ? 'en' : 'zh-HK' });
  }
}

/** What someone with the database (but not the server key) can do: cut the chain back and move its head, consistently. */
async function truncate(q: Queryable, chainId: string, toSeq: number) {
  const [keep] = await q.query<{ hash: Buffer; occurred_at: Date }>(
    'SELECT hash, occurred_at FROM audit_log WHERE chain_id = $1 AND seq = $2',
    [chainId, toSeq],
  );
  await q.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
  await q.query('DELETE FROM audit_log WHERE chain_id = $1 AND seq > $2', [chainId, toSeq]);
  await q.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
  await q.query('UPDATE audit_heads SET seq = $2, hash = $3, last_at = $4 WHERE chain_id = $1', [
    chainId,
    toSeq,
    keep?.hash,
    keep?.occurred_at,
  ]);
}

/** Rewrite one record and recompute every hash after it (the chain itself has no key, so this verifies). */
async function rewrite(q: Queryable, chainId: string, seq: number) {
  await q.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
  await q.query(`UPDATE audit_log SET details = '{"locale":"fr"}' WHERE chain_id = $1 AND seq = $2`, [chainId, seq]);
  const rows = await q.query<StoredAuditRow>(
    `SELECT chain_id, seq, occurred_at, actor_id, actor_name, action, target, ip, outcome, details, prev_hash, hash
     FROM audit_log WHERE chain_id = $1 AND seq >= $2 ORDER BY seq`,
    [chainId, seq],
  );
  let prev: Buffer = Buffer.from(rows[0]?.prev_hash ?? Buffer.alloc(32));
  for (const r of rows) {
    const h = recordHash(prev, r);
    await q.query('UPDATE audit_log SET prev_hash = $3, hash = $4 WHERE chain_id = $1 AND seq = $2', [chainId, r.seq, prev, h]);
    prev = h;
  }
  await q.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
  await q.query('UPDATE audit_heads SET hash = $2 WHERE chain_id = $1', [chainId, prev]);
}

describe('signed checkpoints of the audit chains', () => {
  it('the scheduled job writes signed lines outside the database, once per change; an intact chain verifies', async () => {
    expect((await a.client.get('/api/audit/checkpoint')).body).toEqual({ at: null, seq: null });
    await s.scheduler.tick(true);
    const first = lines();
    expect(first).toHaveLength(1);
    const line = JSON.parse(first[0] ?? '{}') as { chains: { id: string; seq: number }[]; mac: string };
    expect(line.chains.map((c) => c.id)).toContain(a.schoolId);
    expect(line.mac).toMatch(/^[0-9a-f]{64}$/);
    // Nothing moved: running the job again writes nothing.
    await s.scheduler.tick(true);
    expect(lines()).toHaveLength(1);
    // A file deleted under the running server is written whole again at the next run.
    rmSync(file());
    await s.scheduler.tick(true);
    expect(lines()).toEqual(first);
    const r = await verifyAuditAnchored(s.db, file(), key());
    expect(r.ok).toBe(true);
    expect(r.checkpoints.chains).toBeGreaterThanOrEqual(2);
    const page = await a.client.get('/api/audit/checkpoint');
    expect(page.body).toEqual({ at: s.clock.now().toISOString(), seq: await headOf(s.db, a.schoolId) });
  });

  it('a chain cut back (newest rows deleted, head moved) is found, naming the last record a checkpoint vouches for', async () => {
    const vouched = await headOf(s.db, a.schoolId);
    await someActivity(4);
    s.clock.advance(10 * 60_000);
    await s.scheduler.tick();
    const checkpointed = await headOf(s.db, a.schoolId);
    expect(checkpointed).toBe(vouched + 4);
    await s.db.systemTx((q) => truncate(q, a.schoolId, checkpointed - 2));
    // The chain alone still looks whole: this is what the checkpoints are for.
    expect((await s.db.system((q) => verifyAudit(q))).ok).toBe(true);
    // The next checkpoint run notices the chain went back, and says so (the scheduler logs the job's error).
    s.clock.advance(60_000);
    expect((await s.deps.checkpoints.write(s.db, s.clock.now())).wentBack).toEqual([
      { chainId: a.schoolId, from: checkpointed, to: checkpointed - 2 },
    ]);
    const r = await verifyAuditAnchored(s.db, file(), key());
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({
      chainId: a.schoolId,
      seq: checkpointed - 1,
      reason: 'truncated',
      checkpoint: { seq: checkpointed },
      vouched: { seq: vouched },
    });
  });

  it('the command line names the chain, the cut and the last vouched record', async () => {
    const env = TEST_DB === 'pg' ? { DATABASE_URL: s.tdb.url ?? '', DATA_DIR: s.deps.config.DATA_DIR } : await pgliteFolderWithCut();
    const out = await new Promise<{ code: number; stderr: string }>((res) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/server/cli.ts', 'audit', 'verify'],
        { env: { ...process.env, SERVER_KEY: s.deps.serverKey.toString('hex'), DATABASE_URL: undefined, ...env } },
        (err, _stdout, stderr) => res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /^Audit chain BROKEN in chain [0-9a-f-]{36} at record \d+ \(truncated: the chain ends before record \d+, which the checkpoint of .* vouched for\); the last record a checkpoint vouches for is \d+ \(checkpoint of .*\)\.$/m,
    );
  });

  it('a chain rewritten after a checkpoint (hashes recomputed) is found at the checkpointed record', async () => {
    const t = await startTestServer();
    try {
      const b = await setupSchool(t);
      await t.scheduler.tick(true);
      const vouched = await headOf(t.db, b.schoolId);
      for (const locale of ['en', 'zh-HK', 'en']) await b.client.put('/api/account/locale', { locale });
      await t.deps.checkpoints.write(t.db, t.clock.now());
      const top = await headOf(t.db, b.schoolId);
      await t.db.systemTx((q) => rewrite(q, b.schoolId, vouched + 2));
      expect((await t.db.system((q) => verifyAudit(q))).ok).toBe(true);
      const r = await verifyAuditAnchored(t.db, checkpointFile(t.deps.config.DATA_DIR), checkpointKey(t.deps.serverKey));
      expect(r.broken).toMatchObject({ chainId: b.schoolId, seq: top, reason: 'rewritten', vouched: { seq: vouched } });
    } finally {
      await t.close();
    }
  });

  it('a checkpoint line without a valid signature is reported', async () => {
    const t = await startTestServer();
    try {
      await setupSchool(t);
      await t.deps.checkpoints.write(t.db, t.clock.now());
      const f = checkpointFile(t.deps.config.DATA_DIR);
      const k = checkpointKey(t.deps.serverKey);
      expect((await verifyAuditAnchored(t.db, f, k)).ok).toBe(true);
      // Someone moves a checkpoint forward to cover a rewrite, keeping the old signature.
      const line = JSON.parse(readFileSync(f, 'utf8').trim()) as { chains: { seq: number }[] };
      for (const c of line.chains) c.seq += 1;
      appendFileSync(f, `${JSON.stringify(line)}\n`);
      const r = await verifyAuditAnchored(t.db, f, k);
      expect(r.ok).toBe(false);
      expect(r.checkpoints.forged).toEqual([2]);
      // The same file under another server key: no line is genuine.
      expect((await verifyAuditAnchored(t.db, f, checkpointKey(randomBytes(32)))).checkpoints.forged).toEqual([1, 2]);
    } finally {
      await t.close();
    }
  });

  it('a clean stop writes a checkpoint of where every chain ended', async () => {
    const t = await startTestServer();
    const b = await setupSchool(t);
    const dataDir = t.deps.config.DATA_DIR;
    const seq = await headOf(t.db, b.schoolId);
    const loaded = new AuditCheckpoints(checkpointFile(dataDir), checkpointKey(t.deps.serverKey));
    expect((await loaded.status(b.schoolId)).seq).toBe(null);
    await t.close();
    const after = new AuditCheckpoints(checkpointFile(dataDir), checkpointKey(t.deps.serverKey));
    expect((await after.status(b.schoolId)).seq).toBe(seq);
  });

  it('once a day, each organisation’s own checkpoint is e-mailed to those listed for it (and only them)', async () => {
    const listed = await a.client.put('/api/admin/notification-list', {
      entries: [{ email: 'audit-archive@school1.edu.hk', events: ['audit_checkpoint'] }],
    });
    expect(listed.status).toBe(204);
    const mails = () =>
      s.db.system((q) =>
        q.query<{ to_addr: string; body: string }>(
          `SELECT to_addr, body FROM mail_outbox WHERE subject LIKE 'Audit checkpoint%' ORDER BY created_at`,
        ),
      );
    s.clock.advance(24 * 3600_000);
    await s.scheduler.tick();
    const seq = (await s.deps.checkpoints.status(a.schoolId)).seq;
    const sent = await mails();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to_addr).toBe('audit-archive@school1.edu.hk');
    expect(sent[0]?.body).toContain(`reached record ${seq} (hash `);
    // The school's own chain only.
    expect(sent[0]?.body).not.toContain('00000000-0000-0000-0000-000000000000');
    s.clock.advance(60 * 60_000);
    await s.scheduler.tick();
    expect(await mails()).toHaveLength(1);
  });
});

/** PGlite: the test database is in memory, so give the command a folder with a checkpointed, then cut, chain. */
async function pgliteFolderWithCut(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'sams-cp-'));
  const db = await openPglite(dir, { loadDataDir: await migratedDump() });
  const cp = new AuditCheckpoints(checkpointFile(dir), key());
  const event = (i: number) => db.systemTx((q) => audit(q, s.clock, { schoolId: null, action: 'test.event', details: { i } }));
  for (let i = 0; i < 3; i++) await event(i);
  await cp.write(db, s.clock.now());
  for (let i = 3; i < 6; i++) await event(i);
  await cp.write(db, s.clock.now());
  await db.systemTx((q) => truncate(q, '00000000-0000-0000-0000-000000000000', 4));
  await db.close();
  return { DATA_DIR: dir };
}
