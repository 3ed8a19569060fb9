/**
 * `npm run bench:records`: issue 3's figures on PGlite and PostgreSQL, through the real stack.
 *  - import 2,000 students from an XLSX file (preview + commit), target < 5 s
 *  - student list, first page filtered by class, in a 2,000-student school: API p50, target < 20 ms
 *  - search by part of a Chinese name: API p50, target < 30 ms
 */
import ExcelJS from 'exceljs';
import { generate } from 'otplib';
import pg from 'pg';
import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/server/config.js';
import { createSetupToken } from '../src/server/core/setup/service.js';
import { hkidWithCheck, strnWithCheck } from '../src/server/modules/school/identity.js';
import { createServer } from '../src/server/server.js';

const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = 2000;

async function one(kind: 'pglite' | 'pg') {
  const dataDir = mkdtempSync(join(tmpdir(), 'sams-records-'));
  const dbName = `sams_records_${randomBytes(4).toString('hex')}`;
  let url: string | undefined;
  if (kind === 'pg') {
    const a = new pg.Client({ connectionString: PG_ADMIN });
    await a.connect();
    await a.query(`CREATE DATABASE ${dbName}`);
    await a.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SCHEDULER: 'false', ...(url ? { DATABASE_URL: url } : {}) });
  const server = await createServer({ config, logger: pino({ level: 'silent' }) });
  let cookie = '';
  let csrf = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await server.app.inject({ method: method as 'POST', url: path, payload: body as object, headers: { cookie, 'x-csrf-token': csrf } });
    const sid = r.cookies.find((c) => c.name === 'sid')?.value;
    if (sid) cookie = `sid=${sid}`;
    if (r.statusCode >= 400) throw new Error(`${method} ${path}: ${r.statusCode} ${r.body}`);
    return r.body ? JSON.parse(r.body) : null;
  };
  const { token } = await createSetupToken(server.deps.db, server.deps.clock);
  await call('POST', '/api/setup', {
    token, school: { nameZh: '效能測試中學', nameEn: 'Bench Secondary School', schoolNumber: '777777' },
    admin: { username: 'recordsadmin', displayNameEn: 'Records Admin', email: 'r@example.edu.hk', password: 'quiet river lantern 2026' },
  });
  csrf = (await call('GET', '/api/auth/me')).csrfToken;
  const start = await call('POST', '/api/account/mfa/enrol/start', {});
  await call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: start.secret }) });
  csrf = (await call('GET', '/api/auth/me')).csrfToken;
  const yearId = (await call('POST', '/api/school/years', { startYear: 2026 })).id;
  const classes: string[] = [];
  for (let level = 1; level <= 6; level++) for (const l of 'ABCDEFGHIJ'.slice(0, 10)) {
    if (classes.length >= 58) break;
    await call('POST', '/api/school/classes', { yearId, code: `${level}${l}`, level: `S${level}`, nameZh: `中${level}${l}`, nameEn: `Secondary ${level}${l}` });
    classes.push(`${level}${l}`);
  }
  const SUR = ['陳', '李', '張', '黃', '林', '劉', '吳', '梁', '何', '郭'];
  const GIV = ['嘉', '欣', '志', '明', '偉', '文', '詩', '婷', '俊', '傑', '家', '豪'];
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('students');
  ws.addRow(['reg_no', 'strn', 'name_zh', 'name_en', 'sex', 'date_of_birth', 'id_type', 'id_number', 'entry_date', 'class', 'class_number']);
  for (let i = 0; i < N; i++) {
    const zh = `${SUR[i % 10]}${GIV[(i * 7) % 12]}${GIV[(i * 5 + 3) % 12]}`;
    ws.addRow([`R${100000 + i}`, strnWithCheck('S', String(600000 + i)), zh, `Student Name ${i}`, i % 2 ? 'M' : 'F', '2012-04-05', 'hkid', hkidWithCheck('C', String(300000 + i)), '2024-09-01', classes[i % classes.length], Math.floor(i / classes.length) + 1]);
  }
  const file = Buffer.from(await wb.xlsx.writeBuffer());
  const body = { fileName: 'students.xlsx', contentBase64: file.toString('base64') };
  const t0 = performance.now();
  const preview = await call('POST', '/api/imports/students/preview', body);
  const t1 = performance.now();
  const commit = await call('POST', '/api/imports/students/commit', body);
  const t2 = performance.now();
  if (!commit.committed || commit.create !== N) throw new Error(`import did not commit: ${JSON.stringify({ ...commit, issues: commit.issues.slice(0, 3) })}`);
  if (preview.issues.length) throw new Error('preview found issues');

  const classId = (await call('GET', '/api/school/classes')).classes.find((c: { code: string }) => c.code === '3C').id;
  const p50 = async (path: string) => {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      const r = await call('GET', path);
      times.push(performance.now() - t);
      rows = r.students.length;
    }
    times.sort((a, b) => a - b);
    return { ms: times[30] ?? 0, rows };
  };
  const list = await p50(`/api/students?classId=${classId}&limit=50`);
  const search = await p50(`/api/students?q=${encodeURIComponent('陳嘉')}&limit=50`);
  const label = kind === 'pg' ? 'PostgreSQL' : 'PGlite';
  console.log(`== ${label}: ${N} students, ${classes.length} classes, XLSX ${(file.length / 1024).toFixed(0)} KB`);
  console.log(`import from XLSX: preview ${((t1 - t0) / 1000).toFixed(2)} s + commit ${((t2 - t1) / 1000).toFixed(2)} s = ${((t2 - t0) / 1000).toFixed(2)} s (target < 5 s)`);
  console.log(`list, first page of one class: p50 ${list.ms.toFixed(1)} ms, ${list.rows} rows (target < 20 ms)`);
  console.log(`search by part of a Chinese name: p50 ${search.ms.toFixed(1)} ms, ${search.rows} rows (target < 30 ms)\n`);
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'pg') {
    const a = new pg.Client({ connectionString: PG_ADMIN });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await a.end();
  }
}

const kinds: ('pglite' | 'pg')[] = process.env.BENCH_ONLY ? [process.env.BENCH_ONLY as 'pglite' | 'pg'] : ['pglite', 'pg'];
for (const k of kinds) await one(k);
process.exit(0);
