/**
 * `npm test`: every suite, on both databases and in Chromium. A suite that cannot run (no
 * PostgreSQL, no Chromium) or that skipped a test fails the run, so green always means "all ran".
 * Set SKIP_PG=1 or SKIP_E2E=1 to leave one out on purpose (the run then says so and fails in CI).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const inCi = !!process.env.CI;
const results: { name: string; ok: boolean; note: string; seconds: number }[] = [];

function run(name: string, cmd: string, args: string[], env: Record<string, string> = {}, report?: string): boolean {
  const t0 = Date.now();
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  let ok = r.status === 0;
  let note = ok ? 'passed' : `failed (exit ${r.status})`;
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
  results.push({ name, ok, note, seconds: Math.round((Date.now() - t0) / 1000) });
  return ok;
}

const vitest = (project: string, tag: string, env: Record<string, string> = {}) => {
  const out = `test-results/${tag}.json`;
  return run(
    `${tag}`,
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
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  results.push({
    name: 'npm start on an empty data folder',
    ok,
    note: ok ? 'listening, setup link printed' : `did not come up:\n${out.slice(-1500)}`,
    seconds: Math.round((Date.now() - t0) / 1000),
  });
}

mkdirSync('test-results', { recursive: true });
run('typecheck (server, tests, benchmarks)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
run('typecheck (web)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.web.json']);
run('module boundaries (dependency-cruiser)', 'npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs']);
run('lint (typescript-eslint, type-aware)', 'npx', ['eslint', 'src', 'test', 'bench', 'scripts']);
run('format (prettier --check)', 'npx', ['prettier', '--check', '--log-level', 'warn', 'src', 'test', 'bench', 'scripts']);
await startSmoke();
vitest('unit', 'unit');
vitest('integration', 'integration on PGlite', { TEST_DB: 'pglite' });

if (process.env.SKIP_PG) results.push({ name: 'integration on PostgreSQL', ok: !inCi, note: 'SKIPPED on request (SKIP_PG)', seconds: 0 });
else {
  const why = await pgReachable();
  if (why)
    results.push({
      name: 'integration on PostgreSQL',
      ok: false,
      note: `no PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//…@')}: ${why}. Start one (README) or set SKIP_PG=1.`,
      seconds: 0,
    });
  else vitest('integration', 'integration on PostgreSQL', { TEST_DB: 'pg', TEST_DATABASE_URL: PG_URL });
}

if (process.env.SKIP_E2E) results.push({ name: 'browser (Chromium)', ok: !inCi, note: 'SKIPPED on request (SKIP_E2E)', seconds: 0 });
else if (!existsSync(CHROMIUM))
  results.push({
    name: 'browser (Chromium)',
    ok: false,
    note: `no Chromium at ${CHROMIUM}: apt-get install chromium fonts-noto-cjk, or set SKIP_E2E=1.`,
    seconds: 0,
  });
else {
  const built = run('web bundle', 'npx', ['vite', 'build', '--logLevel', 'warn']);
  if (built) vitest('e2e', 'browser (Chromium)', { CHROMIUM_PATH: CHROMIUM });
}

console.log('\nSummary');
for (const r of results) console.log(`  ${r.ok ? '✔' : '✘'} ${r.name}: ${r.note} (${r.seconds} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
