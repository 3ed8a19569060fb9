/**
 * `npm run bench:actions`: the single actions issue 14 (item 11) found slow, on a demo-size school
 * (S1–S6 × 5 classes × 35 students = 1,050, as `npm run demo` makes), through the real HTTP stack
 * in-process, on PGlite and PostgreSQL (BENCH_ONLY=pglite|pg for one):
 *  - export all students to XLSX (as the screen does it: the background job from start to the
 *    downloaded file where the server has jobs, the one synchronous request where it has not)
 *  - generate the headcount return (regenerate the draft)
 *  - save a return correction (one cell changed; and one that also corrects the student's record)
 *  - approve and send (the checker types the 24 words; the authority's intake and receipt included)
 * Each figure is the median of BENCH_RUNS (default 5) calls, after one warm-up call.
 */
import { generate } from 'otplib';
import { createSetupToken } from '../src/server/core/setup/service.js';
import { hkidWithCheck, strnWithCheck } from '../src/server/modules/school/identity.js';
import { KINDS, type Kind, benchSchool, label, p50 } from './helpers.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
type Server = Awaited<ReturnType<typeof benchSchool>>['server'];
type Json = Record<string, unknown> & { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- loose reading of replies; the routes' schemas are the contract

/** One signed-in person: keeps the cookie and CSRF token, throws on any refusal. */
function session(server: Server, signedIn = '') {
  let cookie = signedIn;
  let csrf = '';
  const raw = async (method: string, url: string, body?: unknown) => {
    const r = await server.app.inject({
      method: method as 'POST',
      url,
      headers: { ...(cookie ? { cookie } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    const sid = r.cookies.find((c) => c.name === 'sid')?.value;
    if (sid) cookie = `sid=${sid}`;
    return r;
  };
  const call = async (method: string, url: string, body?: unknown): Promise<Json> => {
    const r = await raw(method, url, body);
    if (r.statusCode >= 400) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
    return r.body && r.headers['content-type']?.toString().includes('json') ? JSON.parse(r.body) : { bytes: r.rawPayload.length };
  };
  const refresh = async () => (csrf = (await call('GET', '/api/auth/me')).csrfToken);
  return { raw, call, refresh };
}

/** A person the administrator creates, signed in for the first time (password changed, MFA enrolled where asked). */
async function person(server: Server, admin: ReturnType<typeof session>, username: string, role: string) {
  const roles = (await admin.call('GET', '/api/admin/roles')).roles as { id: string; key: string }[];
  const password = `initial password for ${username.length}x`;
  const u = await admin.call('POST', '/api/admin/users', {
    username,
    displayNameEn: `Bench Clerk`,
    password,
    roleIds: roles.filter((r) => r.key === role).map((r) => r.id),
  });
  const s = session(server);
  await s.call('POST', '/api/auth/login', { username, password, school: '777777' });
  await s.refresh();
  await s.call('POST', '/api/account/password', { currentPassword: password, newPassword: `${password} changed` });
  await s.refresh();
  const start = await s.raw('POST', '/api/account/mfa/enrol/start', {});
  if (start.statusCode === 200)
    await s.call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: JSON.parse(start.body).secret }) });
  await s.refresh();
  return { id: u.id as string, s };
}

/** The Education Bureau on the same installation, signed in. */
async function authority(server: Server) {
  const { token } = await createSetupToken(server.deps.db, server.deps.clock, 'EDB');
  const s = session(server);
  await s.call('POST', '/api/setup', {
    token,
    admin: { username: 'edbbench', displayNameEn: 'EDB Bench', email: 'edb@example.gov.hk', password: 'quiet harbour lantern 2026' },
  });
  await s.refresh();
  const start = await s.call('POST', '/api/account/mfa/enrol/start', {});
  await s.call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: start.secret }) });
  await s.refresh();
  return s;
}

/** Export all students to XLSX as the screen does: a background job where the server has them, else the one request. */
async function exportAll(s: ReturnType<typeof session>): Promise<number> {
  const started = await s.raw('POST', '/api/jobs/students-export', { format: 'xlsx', lang: 'zh' });
  if (started.statusCode === 404) return (await s.call('GET', '/api/exports/students?format=xlsx&lang=zh')).bytes as number;
  if (started.statusCode >= 400) throw new Error(`export job: ${started.statusCode} ${started.body}`);
  const id = JSON.parse(started.body).id as string;
  for (;;) {
    const j = await s.call('GET', `/api/jobs/${id}`);
    if (j.status === 'done') return (await s.call('GET', `/api/jobs/${id}/file`)).bytes as number;
    if (j.status === 'failed') throw new Error(`export job failed: ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function one(kind: Kind) {
  const b = await benchSchool(kind);
  const server = b.server;
  try {
    // benchSchool signed the administrator in: carry that session over.
    const admin = session(server, b.cookie());
    await admin.refresh();

    // The demo school: S1–S6 × 5 classes × 35 students.
    const t0 = performance.now();
    const yearId = (await admin.call('POST', '/api/school/years', { startYear: 2026 })).id;
    for (let level = 1; level <= 6; level++)
      for (const l of 'ABCDE')
        await admin.call('POST', '/api/school/classes', {
          yearId,
          code: `${level}${l}`,
          level: `S${level}`,
          nameZh: `中${level}${l}`,
          nameEn: `Secondary ${level}${l}`,
        });
    const SUR = ['陳', '李', '張', '黃', '林', '劉', '吳', '梁', '何', '郭'];
    const GIV = ['嘉', '欣', '志', '明', '偉', '文', '詩', '婷', '俊', '傑', '家', '豪'];
    const rows = ['reg_no,strn,name_zh,name_en,sex,date_of_birth,id_type,id_number,entry_date,class,class_number'];
    let n = 0;
    for (let level = 1; level <= 6; level++)
      for (const l of 'ABCDE')
        for (let num = 1; num <= 35; num++) {
          n++;
          rows.push(
            [
              `R${100000 + n}`,
              strnWithCheck('S', String(500000 + n)),
              `${SUR[n % 10]}${GIV[(n * 7) % 12]}${GIV[(n * 5 + 3) % 12]}`,
              `Student Name ${n}`,
              n % 2 ? 'M' : 'F',
              `${2026 - 11 - level}-0${1 + (n % 9)}-1${n % 9}`,
              'hkid',
              hkidWithCheck('C', String(300000 + n)),
              `${2026 - level + 1}-09-01`,
              `${level}${l}`,
              num,
            ].join(','),
          );
        }
    const imported = await admin.call('POST', '/api/imports/students/commit', {
      fileName: 'students.csv',
      contentBase64: Buffer.from(rows.join('\n') + '\n').toString('base64'),
    });
    if (!imported.committed || imported.create !== n) throw new Error(`import did not commit: ${JSON.stringify(imported).slice(0, 300)}`);

    // The exchange: the clerk prepares, the administrator checks; the Bureau publishes a headcount survey.
    const clerk = await person(server, admin, 'benchclerk', 'office_staff');
    await admin.call('PUT', '/api/exchange/procedures/headcount', {
      ownerId: clerk.id,
      backupId: null,
      checkerId: b.userId,
      leadDays: 3,
      notes: null,
    });
    const edb = await authority(server);
    const m = await edb.call('POST', '/api/authority/messages', {
      category: 'headcount',
      subjectCode: 'SHC',
      typeCode: 'SURVEY',
      titleZh: '學生人數統計',
      titleEn: 'Student headcount',
      bodyZh: '請於限期前提交。',
      bodyEn: 'Please submit before the deadline.',
      referenceDate: '2026-11-15',
      deadline: new Date(Date.now() + 20 * 86_400_000).toISOString(),
      audience: { levels: [], schoolIds: [b.schoolId] },
      template: { kind: 'headcount', rules: ['required students.strn', 'unique students.strn'] },
    });
    await admin.call('POST', '/api/exchange/unlock', { words: b.words });
    const deliveryId = (await admin.call('GET', `/api/exchange/inbox?q=${encodeURIComponent(m.refNo)}`)).items[0].id as string;
    const seedMs = performance.now() - t0;

    let bytes = 0;
    await exportAll(admin);
    const exportMs = await p50(RUNS, async () => (bytes = await exportAll(admin)));

    let returnId = '';
    const generateOnce = async () => (returnId = (await clerk.s.call('POST', `/api/exchange/inbox/${deliveryId}/returns`, {})).id);
    await generateOnce();
    const generateMs = await p50(RUNS, generateOnce);

    let listed = 0;
    let k = 0;
    const edit = async (record: boolean) => {
      const r = await clerk.s.call('GET', `/api/exchange/returns/${returnId}`);
      const students = r.files.find((f: { name: string }) => f.name === 'students');
      listed = students.rows.length;
      const row = 1 + (k++ % 20);
      const rowsAfter = students.rows.map((x: Record<string, string>, i: number) =>
        i === row - 1 ? { ...x, nameEn: `Student Corrected ${k}` } : x,
      );
      const t = performance.now();
      await clerk.s.call('PUT', `/api/exchange/returns/${returnId}/rows`, {
        files: [{ name: 'students', rows: rowsAfter }],
        ...(record ? { records: [{ file: 'students', row }] } : {}),
        version: r.version,
      });
      return performance.now() - t;
    };
    const median = async (fn: () => Promise<number>) => {
      await fn();
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) xs.push(await fn());
      return xs.sort((x, y) => x - y)[Math.floor(RUNS / 2)] ?? 0;
    };
    const editMs = await median(() => edit(false));
    const recordMs = await median(() => edit(true));

    // Approve and send: each round needs a ready return (an amendment after the first receipt).
    let first = true;
    const approve = async () => {
      if (!first) returnId = (await clerk.s.call('POST', `/api/exchange/inbox/${deliveryId}/amend`, {})).id;
      first = false;
      await clerk.s.call('POST', `/api/exchange/returns/${returnId}/ready`, {});
      const r = await admin.call('GET', `/api/exchange/returns/${returnId}`);
      const t = performance.now();
      const sent = await admin.call('POST', `/api/exchange/returns/${returnId}/approve`, { words: b.words, version: r.version });
      const ms = performance.now() - t;
      if (!['sent', 'received'].includes(sent.state)) throw new Error(`approve left the return ${sent.state}`);
      return ms;
    };
    const approveMs = await median(approve);

    const reads = await p50(RUNS * 4, () => admin.call('GET', `/api/exchange/returns/${returnId}`));
    const f = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
    console.log(`\n== ${label(kind)}: ${n} students in 30 classes (seeded in ${(seedMs / 1000).toFixed(1)} s), p50 of ${RUNS}`);
    console.log(`export all students to XLSX (${(bytes / 1024).toFixed(0)} KB)       ${f(exportMs)}`);
    console.log(`generate the headcount return (${listed} S1–S4 rows)       ${f(generateMs)}`);
    console.log(`save a return correction (one cell)                  ${f(editMs)}`);
    console.log(`save a return correction that corrects the record    ${f(recordMs)}`);
    console.log(`approve and send (24 words; intake and receipt)      ${f(approveMs)}`);
    console.log(`for scale: read the return (API)                     ${f(reads)}`);
    console.log(
      `RESULT ${kind} export=${exportMs.toFixed(0)} generate=${generateMs.toFixed(0)} edit=${editMs.toFixed(0)} record=${recordMs.toFixed(0)} approve=${approveMs.toFixed(0)} read=${reads.toFixed(0)}`,
    );
  } finally {
    await b.close();
  }
}

for (const k of KINDS) await one(k);
process.exit(0);
