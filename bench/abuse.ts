/**
 * `npm run bench:abuse`: what the request and upload limits cost an attacker and save everyone else.
 * The server runs as `npm start` runs it (the esbuild bundle, embedded database, its own process) on
 * 127.0.0.1; an autocannon process sends the attacks while this one asks `/api/health`, one at a time:
 *  - at rest;
 *  - while 10 clients send 800 KB `[[[[…]]]]` bodies to sign-in (issue 15: health took 4.5–5.6 s);
 *  - while 3 clients send XLSX bombs (~1 MB, 300 MB unpacked) to the import preview, honest about
 *    their size and then lying about it (issue 15: three at once silenced the server for 9 minutes).
 * Printed: health p50/p99 and the p99's ratio to rest, the slowest refusal, and the server's peak
 * RSS growth over its resting size. Bounded: a fixed number of attack requests, loopback only.
 */
import ExcelJS from 'exceljs';
import { generate } from 'otplib';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spreadsheetBomb } from '../test/helpers/zip.js';

const ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);
const NESTING_CLIENTS = 10;
const NESTING_BODIES = 200;
const BOMB_CLIENTS = 3;
const BOMBS = 15;
const REST_SAMPLES = 1000;

execFileSync(process.execPath, [join(ROOT, 'scripts/start.mjs'), '--build-only'], { stdio: 'inherit', cwd: ROOT });
const dataDir = mkdtempSync(join(tmpdir(), 'sams-bench-abuse-'));
const child = spawn(process.execPath, [join(ROOT, 'dist/server/main.js')], {
  cwd: ROOT,
  env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SCHEDULER: 'false', DATABASE_URL: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// Whatever happens here, the server goes with this process.
process.once('exit', () => child.kill('SIGKILL'));
const setupLink = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /(http:\/\/\S+)\/setup\/(\S+)/.exec(out);
    if (m?.[0]) resolve(m[0]);
  });
  child.once('exit', (code) => reject(new Error(`server exited (${code}) before printing its setup link:\n${out}`)));
});
const base = new URL(setupLink).origin.replace('localhost', '127.0.0.1');
const token = setupLink.split('/setup/')[1] ?? '';

let cookie = '';
let csrf = '';
async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const sid = res.headers.getSetCookie().find((c) => c.startsWith('sid='));
  if (sid) cookie = sid.split(';')[0] ?? '';
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
await call('POST', '/api/setup', {
  token,
  school: { nameZh: '壓力測試中學', nameEn: 'Abuse Bench Secondary School', schoolNumber: '777778' },
  admin: { username: 'benchadmin', displayNameEn: 'Bench Admin', email: 'bench@example.edu.hk', password: 'quiet river lantern 2026' },
});
csrf = (await call('GET', '/api/auth/me')).csrfToken;
const enrol = await call('POST', '/api/account/mfa/enrol/start', {});
await call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: enrol.secret }) });
csrf = (await call('GET', '/api/auth/me')).csrfToken;

// An ordinary file still reads, through the bundle's worker (dist/server/sheet-worker.js).
const sheet = new ExcelJS.Workbook();
const staff = sheet.addWorksheet('staff');
staff.addRow(['staff_code', 'name_en', 'status']);
staff.addRow(['T01', 'Chan Tai Man', 'serving']);
for (const [fileName, file] of [
  ['staff.csv', Buffer.from('staff_code,name_en,status\nT01,Chan Tai Man,serving\n')],
  ['staff.xlsx', Buffer.from(await sheet.xlsx.writeBuffer())],
] as const) {
  const report = await call('POST', '/api/imports/staff/preview', { fileName, contentBase64: file.toString('base64') });
  if (report.rows !== 1 || report.issues.length) throw new Error(`${fileName} did not read: ${JSON.stringify(report)}`);
}

const rssMb = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
};

interface Phase {
  name: string;
  p50: number;
  p99: number;
  samples: number;
  slowestRefusalMs: number | null;
  /** Peak RSS during the phase over RSS at its start. */
  rssGrowthMb: number;
  statuses: string;
}
interface Attack {
  slowestMs: number;
  statuses: string;
}

/** Ask /api/health one request at a time until `attack` settles (or `samples` answers, at rest). */
async function phase(name: string, send: (() => Promise<Attack>) | null): Promise<Phase> {
  const times: number[] = [];
  const start = rssMb();
  let peak = start;
  let done = send === null;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 20);
  const running = send ? send().finally(() => (done = true)) : Promise.resolve(null);
  while (send ? !done : times.length < REST_SAMPLES) {
    const t = performance.now();
    const res = await fetch(`${base}/api/health`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`health answered ${res.status}`);
    times.push(performance.now() - t);
  }
  const answers = await running;
  clearInterval(sampler);
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
  return {
    name,
    p50: at(0.5),
    p99: at(0.99),
    samples: times.length,
    slowestRefusalMs: answers?.slowestMs ?? null,
    rssGrowthMb: peak - start,
    statuses: answers?.statuses ?? '—',
  };
}

/** The attacker: `connections` clients at once sending `amount` requests in all, one after another each. */
const ATTACKER = `
const [url, connections, amount, file, headers] = process.argv.slice(1);
const body = (await import('node:fs')).readFileSync(file);
let left = Number(amount);
const counts = {};
let slowest = 0;
await Promise.all(Array.from({ length: Number(connections) }, async () => {
  while (left-- > 0) {
    const t = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...JSON.parse(headers) }, body });
    await res.arrayBuffer();
    slowest = Math.max(slowest, performance.now() - t);
    counts[res.status] = (counts[res.status] ?? 0) + 1;
  }
}));
console.log(JSON.stringify({ slowestMs: slowest, statuses: Object.entries(counts).map(([s, n]) => n + '×' + s).join(' ') }));
`;

/** The attack runs in a process of its own, so this one only measures. */
function attack(connections: number, amount: number, path: string, bodyFile: string, headers: Record<string, string> = {}) {
  return async (): Promise<Attack> => {
    const args = [
      '--input-type=module',
      '-e',
      ATTACKER,
      base + path,
      String(connections),
      String(amount),
      bodyFile,
      JSON.stringify(headers),
    ];
    const { stdout } = await run(process.execPath, args, { maxBuffer: 1024 * 1024 });
    return JSON.parse(stdout) as Attack;
  };
}

const files = mkdtempSync(join(tmpdir(), 'sams-bench-abuse-bodies-'));
const write = (name: string, body: string) => {
  writeFileSync(join(files, name), body);
  return join(files, name);
};
const nesting = write('nesting.json', '['.repeat(400_000) + ']'.repeat(400_000));
const upload = (name: string, file: Buffer) =>
  write(name, JSON.stringify({ fileName: 'students.xlsx', contentBase64: file.toString('base64') }));
const honest = upload('honest.json', spreadsheetBomb(300));
const liar = upload('liar.json', spreadsheetBomb(300, true));
const signedIn = () => ({ cookie, 'x-csrf-token': csrf });

// Warm up (JIT, connections, one worker), then let the server settle.
await phase('warm-up', attack(1, 2, '/api/imports/students/preview', liar, signedIn()));
await new Promise((r) => setTimeout(r, 1000));
const restRss = rssMb();
const results = [
  await phase('at rest', null),
  await phase(
    `nesting: ${NESTING_CLIENTS} clients, ${NESTING_BODIES} × 800 KB`,
    attack(NESTING_CLIENTS, NESTING_BODIES, '/api/auth/login', nesting),
  ),
  await phase(
    `bombs: ${BOMB_CLIENTS} at once, ${BOMBS} × 300 MB (honest)`,
    attack(BOMB_CLIENTS, BOMBS, '/api/imports/students/preview', honest, signedIn()),
  ),
  await phase(
    `bombs: ${BOMB_CLIENTS} at once, ${BOMBS} × 300 MB (lying)`,
    attack(BOMB_CLIENTS, BOMBS, '/api/imports/students/preview', liar, signedIn()),
  ),
];
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
rmSync(files, { recursive: true, force: true });

const rest = results[0]?.p99 ?? NaN;
const f = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(`\nServer: the npm start bundle on PGlite, 127.0.0.1; resting RSS ${restRss.toFixed(0)} MB (Node ${process.version})\n`);
console.log(
  [
    'phase'.padEnd(48),
    'health p50'.padStart(11),
    'p99'.padStart(10),
    '÷ rest'.padStart(7),
    'samples'.padStart(8),
    'slowest refusal'.padStart(16),
    'RSS growth'.padStart(11),
    '  answers',
  ].join(''),
);
for (const r of results) {
  console.log(
    [
      r.name.padEnd(48),
      f(r.p50).padStart(11),
      f(r.p99).padStart(10),
      `${(r.p99 / rest).toFixed(1)}×`.padStart(7),
      String(r.samples).padStart(8),
      (r.slowestRefusalMs === null ? '—' : f(r.slowestRefusalMs)).padStart(16),
      `${r.rssGrowthMb.toFixed(0)} MB`.padStart(11),
      `  ${r.statuses}`,
    ].join(''),
  );
}
