/**
 * `npm test`: every suite, on both databases and in Chromium. A suite that cannot run (no
 * PostgreSQL, no Chromium) or that skipped a test fails the run, so green always means "all ran".
 * Set SKIP_PG=1 or SKIP_E2E=1 to leave one out on purpose (the run then says so and fails in CI).
 *
 * Steps that do not depend on each other run at the same time, in three stages: the static checks,
 * unit tests, start-up and the web bundle; then the integration suites on both databases; then the
 * browser suite. Each step's output is printed whole when it ends, so logs do not interleave.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const inCi = !!process.env.CI;

interface Result {
  name: string;
  ok: boolean;
  note: string;
  seconds: number;
}
const results: Result[] = [];
const started = Date.now();

/** At most this many steps at once: the machines have two cores, and more at once only slows each. */
const LANES = 2;
let free = LANES;
const waiting: (() => void)[] = [];
async function lane<T>(fn: () => Promise<T>): Promise<T> {
  if (free === 0) await new Promise<void>((r) => waiting.push(r));
  else free--;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else free++;
  }
}

/** Runs one command with its output collected, printed in one piece when it ends. */
function run(name: string, cmd: string, args: string[], env: Record<string, string> = {}, report?: string): Promise<boolean> {
  const slot: Result = { name, ok: false, note: 'waiting', seconds: 0 };
  results.push(slot);
  return lane(() => runNow(slot, cmd, args, env, report));
}

function runNow(slot: Result, cmd: string, args: string[], env: Record<string, string>, report?: string): Promise<boolean> {
  const name = slot.name;
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('close', (status) => {
      let ok = status === 0;
      let note = ok ? 'passed' : `failed (exit ${status})`;
      if (ok && report) {
        const j = JSON.parse(readFileSync(report, 'utf8')) as {
          numTotalTests: number;
          numPendingTests: number;
          numTodoTests: number;
          numPassedTests: number;
        };
        if (j.numTotalTests === 0) [ok, note] = [false, 'ran no tests'];
        else if (j.numPendingTests + j.numTodoTests > 0) [ok, note] = [false, `${j.numPendingTests + j.numTodoTests} test(s) skipped`];
        else note = `${j.numPassedTests} tests passed`;
      }
      Object.assign(slot, { ok, note, seconds: Math.round((Date.now() - t0) / 1000) });
      console.log(`\n▶ ${name}: ${note} (${slot.seconds} s)\n${out.trimEnd()}`);
      resolve(ok);
    });
  });
}

const vitest = (project: string, tag: string, env: Record<string, string> = {}) => {
  const out = `test-results/${tag}.json`;
  // A report left by an earlier run must never count for this one.
  rmSync(out, { force: true });
  return run(
    tag,
    'npx',
    ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    env,
    out,
  );
};

async function pgReachable(): Promise<string | null> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** README's `npm start` on an empty data folder: builds what is missing, listens, prints a setup link. */
async function startSmoke(): Promise<void> {
  const t0 = Date.now();
  const slot: Result = { name: 'npm start on an empty data folder', ok: false, note: 'running', seconds: 0 };
  results.push(slot);
  const dir = mkdtempSync(join(tmpdir(), 'sams-start-'));
  const port = 39000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  let ok = false;
  for (let i = 0; i < 240 && !ok && child.exitCode === null; i++) {
    await new Promise((r) => setTimeout(r, 500));
    ok =
      /\/setup\/[A-Za-z0-9_-]{20,}/.test(out) &&
      (await fetch(`http://127.0.0.1:${port}/api/health`)
        .then((r) => r.ok)
        .catch(() => false));
  }
  // The server writes its last audit checkpoint and releases the folder as it stops: wait for it.
  const exited = new Promise<void>((r) => (child.exitCode === null ? child.once('exit', () => r()) : r()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  Object.assign(slot, {
    ok,
    note: ok ? 'listening, setup link printed' : `did not come up:\n${out.slice(-1500)}`,
    seconds: Math.round((Date.now() - t0) / 1000),
  });
  console.log(`\n▶ ${slot.name}: ${ok ? 'ok' : 'FAILED'} (${slot.seconds} s)`);
}

function skipped(name: string, note: string, okOutsideCi: boolean): void {
  results.push({ name, ok: okOutsideCi && !inCi, note, seconds: 0 });
}

mkdirSync('test-results', { recursive: true });
const wantE2e = !process.env.SKIP_E2E && existsSync(CHROMIUM);

// `TEST_ONLY=node` (CI, under a second Node.js): only `npm start` and the PostgreSQL integration suite,
// the two that show whether the server itself runs on that version.
if (process.env.TEST_ONLY === 'node') {
  console.log(`Node.js ${process.version}: npm start and the integration suite on PostgreSQL`);
  await startSmoke();
  const why = await pgReachable();
  if (why) skipped('integration on PostgreSQL', `no PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//…@')}: ${why}`, false);
  else await vitest('integration', 'integration on PostgreSQL', { TEST_DB: 'pg', TEST_DATABASE_URL: PG_URL });
  console.log(`\nSummary (Node.js ${process.version})`);
  for (const r of results) console.log(`  ${r.ok ? '✔' : '✘'} ${r.name}: ${r.note} (${r.seconds} s)`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

// 1. Static checks, unit tests, start-up and the web bundle: none depends on another.
// The longest first, two at a time; the start-up check mostly waits, so it runs beside them.
const [, , , , , , built] = await Promise.all([
  run('lint (typescript-eslint, type-aware)', 'npx', ['eslint', 'src', 'test', 'bench', 'scripts']),
  run('typecheck (server, tests, benchmarks)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']),
  run('typecheck (web)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.web.json']),
  run('format (prettier --check)', 'npx', ['prettier', '--check', '--log-level', 'warn', 'src', 'test', 'bench', 'scripts']),
  vitest('unit', 'unit'),
  run('module boundaries (dependency-cruiser)', 'npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs']),
  wantE2e ? run('web bundle', 'npx', ['vite', 'build', '--logLevel', 'warn']) : Promise.resolve(false),
  startSmoke(),
]);

// 2. The integration suites on both databases.
const integration: Promise<unknown>[] = [vitest('integration', 'integration on PGlite', { TEST_DB: 'pglite' })];
if (process.env.SKIP_PG) skipped('integration on PostgreSQL', 'SKIPPED on request (SKIP_PG)', true);
else {
  const why = await pgReachable();
  if (why)
    skipped(
      'integration on PostgreSQL',
      `no PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//…@')}: ${why}. Start one (README) or set SKIP_PG=1.`,
      false,
    );
  else integration.push(vitest('integration', 'integration on PostgreSQL', { TEST_DB: 'pg', TEST_DATABASE_URL: PG_URL }));
}
await Promise.all(integration);

// 3. The browser suite (its files run two at a time themselves).
if (process.env.SKIP_E2E) skipped('browser (Chromium)', 'SKIPPED on request (SKIP_E2E)', true);
else if (!existsSync(CHROMIUM))
  skipped('browser (Chromium)', `no Chromium at ${CHROMIUM}: apt-get install chromium fonts-noto-cjk, or set SKIP_E2E=1.`, false);
else if (built) await vitest('e2e', 'browser (Chromium)', { CHROMIUM_PATH: CHROMIUM });
else results.push({ name: 'browser (Chromium)', ok: false, note: 'not run: the web bundle did not build', seconds: 0 });

console.log(`\nSummary (Node.js ${process.version})`);
for (const r of results) console.log(`  ${r.ok ? '✔' : '✘'} ${r.name}: ${r.note} (${r.seconds} s)`);
console.log(`  npm test took ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
