import pino from 'pino';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelPaths } from '../../src/server/channel.js';
import { loadConfig } from '../../src/server/config.js';
import { LOCK_FILE, acquireDataDirLock } from '../../src/server/core/db/data-lock.js';
import { openPglite } from '../../src/server/core/db/pglite.js';
import { createServer } from '../../src/server/server.js';
import { TEST_DB, migratedDump } from '../helpers/db.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run cli -- …` (or the demo) as a child process on the given data folder. */
function run(args: string[], env: Record<string, string>, script = 'src/server/cli.ts'): Promise<Run> {
  return new Promise((res) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { env: { ...process.env, SERVER_KEY: undefined, DATABASE_URL: undefined, LOG_LEVEL: 'silent', ...env } },
      (err, stdout, stderr) => res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A migrated data folder, made from the run's dump (no initdb, no migrations). */
async function migratedFolder(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'sams-df-')), 'data');
  const db = await openPglite(dir, { loadDataDir: await migratedDump() });
  await db.close();
  return dir;
}

const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number; purpose: string };

// The folder lock and the channel belong to the embedded database; with PostgreSQL there is no folder to own.
if (TEST_DB === 'pglite') {
  describe('one owner of the embedded database folder', () => {
    let dir: string;
    let server: Awaited<ReturnType<typeof createServer>> | undefined;
    beforeAll(async () => {
      dir = await migratedFolder();
      server = await createServer({
        config: loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', ARGON2_MEMORY_KIB: '1024' }),
        logger: pino({ level: 'silent' }),
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('the running server holds the folder: lock file with its pid, channel owner-only', () => {
      expect(lockOf(dir)).toMatchObject({ pid: process.pid, purpose: 'server' });
      const p = channelPaths(dir);
      expect(statSync(p.dir).mode & 0o777).toBe(0o700);
      expect(statSync(p.socket).mode & 0o777).toBe(0o600);
      expect(statSync(p.token).mode & 0o777).toBe(0o600);
      // A second open in any process is refused before PGlite touches the files.
      expect(() => acquireDataDirLock(dir, 'test')).toThrow(/The server is running on this data folder/);
    });

    it('`audit verify` and `school create` are served by the running server, which keeps the folder', async () => {
      const verify = await run(['audit', 'verify'], { DATA_DIR: dir });
      expect(verify.stderr).toBe('');
      expect(verify.code).toBe(0);
      expect(verify.stdout).toMatch(/^Audit chain intact: \d+ records checked/);
      const create = await run(['school', 'create'], { DATA_DIR: dir });
      expect(create.code).toBe(0);
      expect(create.stdout).toMatch(/\/setup\/[\w-]{20,}/);
      // The link was made by the server, in its database.
      const db = server?.deps.db;
      if (!db) throw new Error('no server');
      const [row] = await db.system((q) => q.query<{ n: number }>('SELECT count(*)::int AS n FROM setup_tokens'));
      expect(row?.n).toBeGreaterThanOrEqual(1);
      expect(lockOf(dir).pid).toBe(process.pid);
    });

    it('`migrate` and the demo refuse with one line while the server runs', async () => {
      const migrate = await run(['migrate'], { DATA_DIR: dir });
      expect(migrate.code).toBe(1);
      expect(migrate.stdout).toBe('');
      expect(migrate.stderr.trim().split('\n')).toHaveLength(1);
      expect(migrate.stderr).toMatch(/^The server is running on this data folder .*; stop it first/);
      const demo = await run([], { DEMO_DATA_DIR: dir, PORT: '0', SCHEDULER: 'false' }, 'scripts/demo.ts');
      expect(demo.code).toBe(1);
      expect(demo.stderr.trim().split('\n')).toHaveLength(1);
      expect(demo.stderr).toMatch(/^The server is running on this data folder/);
    });

    it('the channel refuses a caller without the token', async () => {
      const answer = await new Promise<string>((res) => {
        let data = '';
        const socket = createConnection(channelPaths(dir).socket);
        socket.on('connect', () => socket.write(`${JSON.stringify({ token: 'guess', command: 'school create' })}\n`));
        socket.on('data', (c) => (data += String(c)));
        socket.on('close', () => res(data));
      });
      expect(JSON.parse(answer)).toMatchObject({ code: 1, err: [expect.stringMatching(/wrong channel token/)] });
    });

    it('after the server stops the folder opens, intact, and holds a checkpoint of the stop', async () => {
      await server?.close();
      server = undefined;
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
      expect(existsSync(channelPaths(dir).socket)).toBe(false);
      const verify = await run(['audit', 'verify'], { DATA_DIR: dir });
      expect(verify.stderr).toBe('');
      expect(verify.code).toBe(0);
      expect(verify.stdout).toMatch(/Audit chain intact: \d+ records checked; \d+ chains? held against the checkpoints/);
    });

    it('a lock left by a process that died is taken over', async () => {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      const pid = Number(dead.stdout);
      writeFileSync(
        join(dir, LOCK_FILE),
        JSON.stringify({ pid, startTicks: 1, bootId: null, host: hostname(), purpose: 'server', since: 'x' }),
      );
      const verify = await run(['audit', 'verify'], { DATA_DIR: dir });
      expect(verify.code).toBe(0);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
      // Our own pid with another start time: a pid given to a new process after the owner died.
      writeFileSync(
        join(dir, LOCK_FILE),
        JSON.stringify({ pid: process.pid, startTicks: -5, bootId: null, host: hostname(), purpose: 'server', since: 'x' }),
      );
      const lock = acquireDataDirLock(dir, 'test');
      expect(lockOf(dir)).toMatchObject({ pid: process.pid, purpose: 'test' });
      lock.release();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    });

    it('six processes trying at once on a folder with a stale lock: exactly one takes it, nothing is left behind', async () => {
      const race = join(mkdtempSync(join(tmpdir(), 'sams-race-')), 'data');
      mkdirSync(race);
      writeFileSync(join(race, LOCK_FILE), JSON.stringify({ pid: 0x3fffffff, startTicks: 1, bootId: null, host: hostname(), purpose: 'server', since: 'x' }));
      const child = join(race, '..', 'take.mts');
      // Each child loads, says it is ready, and takes the lock only when told, so all try at once.
      writeFileSync(
        child,
        `import { acquireDataDirLock } from ${JSON.stringify(join(process.cwd(), 'src/server/core/db/data-lock.ts'))};
         let lock;
         process.stdin.once('data', () => {
           try { lock = acquireDataDirLock(${JSON.stringify(race)}, 'race'); console.log('got'); } catch { console.log('busy'); }
           process.stdin.on('end', () => { lock?.release(); process.exit(0); });
         });
         console.log('ready');`,
      );
      const children = Array.from({ length: 6 }, () =>
        spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['pipe', 'pipe', 'inherit'] }),
      );
      const lines = children.map((c) => {
        const queue: string[] = [];
        const waiting: ((s: string) => void)[] = [];
        c.stdout.on('data', (d: Buffer) => {
          for (const l of d.toString().split('\n').filter(Boolean)) {
            const w = waiting.shift();
            if (w) w(l);
            else queue.push(l);
          }
        });
        return () => new Promise<string>((res) => (queue.length ? res(queue.shift() ?? '') : waiting.push(res)));
      });
      expect(await Promise.all(lines.map((next) => next()))).toEqual(Array(6).fill('ready'));
      for (const c of children) c.stdin.write('go\n');
      const answers = await Promise.all(lines.map((next) => next()));
      for (const c of children) c.stdin.end();
      await Promise.all(children.map((c) => new Promise((res) => c.once('exit', res))));
      expect(answers.filter((x) => x === 'got')).toHaveLength(1);
      expect(answers.filter((x) => x === 'busy')).toHaveLength(5);
      expect(readdirSync(race)).toEqual([]);
    });

    it('a damaged folder gives one line that says to restore from a backup', async () => {
      const broken = join(mkdtempSync(join(tmpdir(), 'sams-df-')), 'data');
      cpSync(dir, broken, { recursive: true });
      const wal = join(broken, 'pg_wal');
      for (const f of readdirSync(wal).filter((n) => /^[0-9A-F]{24}$/.test(n))) writeFileSync(join(wal, f), Buffer.alloc(statSync(join(wal, f)).size, 9));
      const verify = await run(['audit', 'verify'], { DATA_DIR: broken });
      expect(verify.code).toBe(1);
      expect(verify.stdout).toBe('');
      expect(verify.stderr.trim().split('\n')).toEqual([
        `The embedded database in ${broken} cannot be opened: its files are damaged or unreadable. Restore the folder from a backup: see docs/operations.md, "Restoring the data folder".`,
      ]);
      // The refusal leaves no lock behind.
      expect(existsSync(join(broken, LOCK_FILE))).toBe(false);
    });
  });
} else {
  describe('with PostgreSQL there is no folder to own', () => {
    it('opening the database takes no folder lock', async () => {
      const { startTestServer } = await import('../helpers/server.js');
      const s = await startTestServer();
      try {
        const { openDatabase } = await import('../../src/server/server.js');
        const other = await openDatabase({ ...s.deps.config, DATABASE_URL: s.tdb.url }, () => undefined);
        await other.close();
        expect(existsSync(join(s.deps.config.DATA_DIR, LOCK_FILE))).toBe(false);
      } finally {
        await s.close();
      }
    });
  });
}
