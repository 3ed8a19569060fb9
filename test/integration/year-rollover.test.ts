import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/server/core/db/pglite.js';
import type { Database } from '../../src/server/core/db/types.js';
import { TEST_DB, migratedDump } from '../helpers/db.js';
import { FROM, TO, rolloverFixture, schoolChecksums } from '../helpers/rollover-fixture.js';
import { keyOrgs } from '../helpers/school-key.js';
import {
  type Client,
  type SetupSchool,
  type TestServer,
  createUser,
  firstSignIn,
  setupSchool,
  startTestServer,
} from '../helpers/server.js';

/**
 * The year rollover (memo O3, issue 11 parts 3 and 4) on a demo-like school: plan → dry run →
 * migrate → undo → migrate, with the touched tables' counts and md5 compared; every refusal of bad
 * input; rights; and a migration killed half way (SIGKILL) leaving the old year intact.
 */
let s: TestServer;
let school: SetupSchool;
let c: Client;
const BASE = '/api/planning/rollover';
const b64 = (t: string) => Buffer.from(t).toString('base64');
const INTAKE = [
  'reg_no,name_zh,name_en,sex,date_of_birth,id_type,id_number,entry_date',
  ...Array.from(
    { length: 12 },
    (_, i) =>
      `N${100 + i},新生${i},New Pupil ${String.fromCharCode(76 - i)},${i % 2 ? 'M' : 'F'},2015-0${(i % 9) + 1}-10,passport,P${7000000 + i},${TO.startsOn}`,
  ),
].join('\n');

/** An intake pupil who starts later in the new year's first month. */
const LATER = `${TO.startsOn.slice(0, 4)}-09-15`;

const yearStatus = async (schoolId: string) =>
  Object.fromEntries(
    (
      await s.db.system((q) =>
        q.query<{ code: string; status: string }>('SELECT code, status FROM school_years WHERE school_id = $1', [schoolId]),
      )
    ).map((r) => [r.code, r.status]),
  );
const audits = (action: string) =>
  s.db
    .system((q) => q.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE action = $1', [action]))
    .then((r) => r[0]?.n ?? 0);
const studentId = (regNo: string) =>
  s.db
    .system((q) => q.query<{ id: string }>('SELECT id FROM students WHERE school_id = $1 AND reg_no = $2', [school.schoolId, regNo]))
    .then((r) => r[0]?.id ?? '');
const plan = async () => (await c.get(BASE)).body.plan;

beforeAll(async () => {
  s = await startTestServer();
  school = await setupSchool(s, 1);
  c = school.client;
  await rolloverFixture(s.db, school.schoolId, 3, 10);
}, 120_000);
afterAll(async () => {
  await s?.close();
});

describe('planning the new year', () => {
  it('copies the current year’s classes, and a reset discards the plan with its decisions', async () => {
    expect(await plan()).toBeNull();
    const r = await c.post(BASE, {});
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'draft', toYear: { code: TO.code, startsOn: TO.startsOn }, fromYear: { code: FROM.code } });
    expect(r.body.classes).toHaveLength(18);
    expect(r.body.classes[0]).toMatchObject({ code: '1A', level: 'S1', capacity: 40 });
    expect((await c.post(BASE, {})).status).toBe(409);
    const id = await studentId('R00005');
    expect((await c.put(`${BASE}/decisions/${id}`, { action: 'repeat' })).status).toBe(204);
    expect((await plan()).decisions).toBe(1);
    expect((await c.del(BASE)).status).toBe(204);
    expect(await plan()).toBeNull();
    expect(await audits('planning.rollover_reset')).toBe(1);
    expect((await c.post(BASE, {})).status).toBe(201);
    expect((await plan()).decisions).toBe(0);
  });

  it('previews by the rule: promoted by class letter, S6 graduates, leavers by the records, the unplaced listed', async () => {
    const p = (await c.get(`${BASE}/preview`)).body;
    expect(p.totals).toMatchObject({ promoted: 148, repeating: 0, admitted: 0, graduating: 30, leaving: 31 });
    const of = (reg: string) => p.decisions.find((d: { regNo: string }) => d.regNo === reg);
    expect(of('R00001')).toMatchObject({ fromClass: '1A', action: 'promote', toClass: '2A', source: 'rule' });
    expect(of('R00002')).toBeUndefined(); // left in March: off the roll on the last day
    expect(of('R00003')).toMatchObject({ action: 'leave', graduates: false });
    expect(of('R00151')).toMatchObject({ fromClass: '6A', action: 'leave', graduates: true });
    expect(p.exceptions).toEqual([expect.objectContaining({ code: 'not_placed', regNo: 'R99999' })]);
    const twoA = p.classes.find((x: { code: string }) => x.code === '2A');
    expect(twoA).toMatchObject({ total: 8, promoted: 8, capacity: 40 });
    // Numbers 1…n by English name.
    const inTwoA = p.decisions
      .filter((d: { toClass: string }) => d.toClass === '2A')
      .sort((a: { toNumber: number }, b: { toNumber: number }) => a.toNumber - b.toNumber);
    expect(inTwoA.map((d: { toNumber: number }) => d.toNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const names = inTwoA.map((d: { nameEn: string }) => d.nameEn);
    expect(names).toEqual([...names].sort());
  });

  it('imports the intake from the allocation list through the records importer and fills S1 evenly', async () => {
    const pre = await c.post(`${BASE}/intake/preview`, { fileName: 'allocation.csv', contentBase64: b64(INTAKE) });
    expect(pre.status).toBe(200);
    expect(pre.body).toMatchObject({ create: 12, issues: [], committed: false });
    const withClass = `${INTAKE.split('\n')[0]},class,class_number\n${INTAKE.split('\n')[1]},1A,5`;
    const refused = await c.post(`${BASE}/intake/commit`, { fileName: 'allocation.csv', contentBase64: b64(withClass) });
    expect(refused.body.committed).toBe(false);
    expect(refused.body.issues.map((i: { code: string }) => i.code)).toContain('intake_has_class');
    // An entry date outside the new year (the old year's last day, the day after the new year ends) is refused.
    const [head, first, second] = INTAKE.split('\n');
    const outside = [head, first?.replace(TO.startsOn, FROM.endsOn), second?.replace(TO.startsOn, `${TO.endsOn.slice(0, 4)}-09-01`)].join(
      '\n',
    );
    const dates = await c.post(`${BASE}/intake/commit`, { fileName: 'allocation.csv', contentBase64: b64(outside) });
    expect(dates.body.committed).toBe(false);
    expect(dates.body.issues.filter((i: { code: string }) => i.code === 'intake_entry_date').map((i: { row: number }) => i.row)).toEqual([
      2, 3,
    ]);
    const done = await c.post(`${BASE}/intake/commit`, { fileName: 'allocation.csv', contentBase64: b64(INTAKE) });
    expect(done.body).toMatchObject({ create: 12, committed: true });
    // One who starts on 15 September is the intake too, placed from that day.
    await s.db.system((q) =>
      q.query(`UPDATE students SET entry_date = $3 WHERE school_id = $1 AND reg_no = $2`, [school.schoolId, 'N111', LATER]),
    );
    const p = (await c.get(`${BASE}/preview`)).body;
    expect(p.totals.admitted).toBe(12);
    expect(p.classes.filter((x: { level: string }) => x.level === 'S1').map((x: { admitted: number }) => x.admitted)).toEqual([4, 4, 4]);
  }, 240_000);

  it('refuses bad input with the list of what to fix', async () => {
    const p = await plan();
    // Two classes with one code.
    const dup = await c.put(`${BASE}/classes`, {
      version: p.version,
      classes: [...p.classes, { ...p.classes[0], nameEn: 'Again' }, { ...p.classes[1] }],
    });
    expect(dup.status).toBe(422);
    expect(dup.body).toMatchObject({
      code: 'rollover_invalid',
      errors: [
        { path: '1A', code: 'duplicate_class_code' },
        { path: '1B', code: 'duplicate_class_code' },
      ],
    });
    // Promoted into a class of another level without a reason.
    const id = await studentId('R00031'); // 2A → 3A by the rule
    const far = await c.put(`${BASE}/decisions/${id}`, { action: 'promote', classCode: '4A' });
    expect(far.status).toBe(422);
    expect(far.body).toMatchObject({ code: 'rollover_invalid', errors: [{ code: 'level_without_reason' }] });
    expect((await c.put(`${BASE}/decisions/${id}`, { action: 'promote', classCode: '4A', reason: 'Gifted: skips S3' })).status).toBe(204);
    // Over capacity, and the unplaced student still open: migrate and dry run refuse with every exception.
    const small = p.classes.map((x: { code: string }) => (x.code === '2B' ? { ...x, capacity: 5 } : x));
    expect((await c.put(`${BASE}/classes`, { version: p.version, classes: small })).status).toBe(204);
    for (const [url, body] of [
      [`${BASE}/dry-run`, {}],
      [`${BASE}/migrate`, { confirm: TO.code }],
    ] as const) {
      const r = await c.post(url, body);
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('rollover_exceptions_open');
      expect(r.body.errors).toEqual(
        expect.arrayContaining([
          { path: '2B', code: 'class_over_capacity' },
          { path: 'R99999 Unplaced Student', code: 'not_placed' },
        ]),
      );
    }
    // A stale version is a conflict, not a silent overwrite.
    expect((await c.put(`${BASE}/classes`, { version: p.version, classes: p.classes })).status).toBe(409);
    expect((await c.put(`${BASE}/classes`, { version: p.version + 1, classes: p.classes })).status).toBe(204);
    // Only the intake is admitted: one on roll is placed by promote or repeat, where another level needs a reason.
    const unplaced = await studentId('R99999');
    const admit = await c.put(`${BASE}/decisions/${unplaced}`, { action: 'admit', reason: 'Joined in June' });
    expect(admit.status).toBe(422);
    expect(admit.body).toMatchObject({ code: 'rollover_invalid', errors: [{ path: 'R99999', code: 'admit_not_intake' }] });
    expect((await c.put(`${BASE}/decisions/${unplaced}`, { action: 'repeat', classCode: '1A' })).body.code).toBe('rollover_invalid');
    expect((await c.put(`${BASE}/decisions/${unplaced}`, { action: 'repeat', classCode: '1A', reason: 'Joined in June' })).status).toBe(
      204,
    );
    // An intake pupil does not leave (their leave date would fall before their entry date) and is not promoted or kept back.
    const pupil = await studentId('N100');
    for (const [body, code] of [
      [{ action: 'leave', reason: 'Not coming' }, 'intake_leave'],
      [{ action: 'promote', classCode: '2A', reason: 'Skips S1' }, 'intake_not_admitted'],
    ] as const) {
      const r = await c.put(`${BASE}/decisions/${pupil}`, body);
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: 'rollover_invalid', errors: [{ path: 'N100', code }] });
    }
    // One stored before the rule (or before the records changed) is an exception: dry run and migrate refuse, not fail.
    const planId = (await plan()).id;
    await s.db.system((q) =>
      q.query(`INSERT INTO rollover_decisions (school_id, plan_id, student_id, action, decided_at) VALUES ($1, $2, $3, 'leave', now())`, [
        school.schoolId,
        planId,
        pupil,
      ]),
    );
    expect((await c.get(`${BASE}/preview`)).body.exceptions).toEqual([expect.objectContaining({ code: 'intake_leave', regNo: 'N100' })]);
    for (const [url, body] of [
      [`${BASE}/dry-run`, {}],
      [`${BASE}/migrate`, { confirm: TO.code }],
    ] as const) {
      const r = await c.post(url, body);
      expect(r.status).toBe(422);
      expect(r.body.errors).toEqual([{ path: 'N100 New Pupil L', code: 'intake_leave' }]);
    }
    expect((await c.del(`${BASE}/decisions/${pupil}`)).status).toBe(204);
    expect((await c.get(`${BASE}/preview`)).body.exceptions).toEqual([]);
    expect(await yearStatus(school.schoolId)).toMatchObject({ [FROM.code]: 'current' });
  });

  it('keeps rights apart: the SEO plans and dry-runs but may not migrate', async () => {
    const u = await createUser(s, c, 'seo01', ['seo']);
    const seo = await firstSignIn(s, 'seo01', u.password, '10.0.1.9', school.code);
    const full = await seo.get(`${BASE}/preview`);
    expect(full.status).toBe(200);
    expect(full.body.decisions.length).toBeGreaterThan(100);
    // Planning read with students.read for own classes only: the counts, no list of students.
    const role = await c.post('/api/admin/roles', {
      nameZh: '規劃查閱',
      nameEn: 'Planning Reader',
      grants: [{ key: 'planning.read' }, { key: 'students.read', scope: 'own_classes' }],
    });
    expect(role.status).toBe(201);
    const r = await createUser(s, c, 'plan01', []);
    expect((await c.post(`/api/admin/roles/${role.body.id}/members`, { userId: r.id })).status).toBe(204);
    const reader = await firstSignIn(s, 'plan01', r.password, '10.0.1.8', school.code);
    const counts = await reader.get(`${BASE}/preview`);
    expect(counts.status).toBe(200);
    expect(counts.body.decisions).toEqual([]);
    expect(counts.body.totals).toEqual(full.body.totals);
    expect((await seo.post(`${BASE}/migrate`, { confirm: TO.code })).status).toBe(403);
    expect((await seo.post(`${BASE}/undo`, {})).status).toBe(403);
    // The intake adds students: planning.manage without students.manage is refused, and nothing changes.
    const students = () =>
      s.db
        .system((q) => q.query<{ n: number }>('SELECT count(*)::int AS n FROM students WHERE school_id = $1', [school.schoolId]))
        .then((r) => r[0]?.n ?? 0);
    const n = await students();
    const file = INTAKE.replace(/^N1/gm, 'S1');
    for (const step of ['preview', 'commit']) {
      const r = await seo.post(`${BASE}/intake/${step}`, { fileName: 'allocation.csv', contentBase64: b64(file) });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
    expect(await students()).toBe(n);
  });
});

describe('dry run, migrate, undo, migrate', () => {
  let before: Record<string, string>;
  let dry: { written: Record<string, number> };

  it('a dry run reports what migrate does and changes nothing', async () => {
    before = await schoolChecksums(s.db, school.schoolId);
    const r = await c.post(`${BASE}/dry-run`, {});
    expect(r.status).toBe(200);
    dry = r.body;
    expect(r.body).toMatchObject({
      dryRun: true,
      toYearCode: TO.code,
      written: { years: 1, classes: 18, classSubjects: 54, placements: 161, leavers: 31 },
    });
    expect(await schoolChecksums(s.db, school.schoolId)).toEqual(before);
    expect(await plan()).toMatchObject({ status: 'draft' });
  });

  it('migrates in one go: exactly the dry run, the new year current, the old one finished and read-only', async () => {
    expect((await c.post(`${BASE}/migrate`, { confirm: 'wrong' })).body).toMatchObject({
      code: 'rollover_invalid',
      errors: [{ code: 'confirm_mismatch' }],
    });
    const r = await c.post(`${BASE}/migrate`, { confirm: TO.code });
    expect(r.status).toBe(200);
    expect(r.body.written).toEqual(dry.written);
    expect(await yearStatus(school.schoolId)).toMatchObject({ [FROM.code]: 'finished', [TO.code]: 'current' });
    const years = (await c.get('/api/school/years')).body.years as { id: string; code: string }[];
    const old = years.find((y) => y.code === FROM.code);
    const write = await c.post('/api/school/classes', {
      yearId: old?.id,
      code: '7Z',
      level: 'S6',
      nameZh: '七',
      nameEn: 'Seven',
      teacherIds: [],
    });
    expect(write.body.code).toBe('year_finished');
    const gifted = await s.db.system((q) =>
      q.query<{ code: string; class_number: number }>(
        `SELECT c.code, sc.class_number FROM student_classes sc JOIN classes c ON c.id = sc.class_id JOIN school_years y ON y.id = sc.year_id
         JOIN students st ON st.id = sc.student_id WHERE y.code = $1 AND st.reg_no = 'R00031' AND st.school_id = $2`,
        [TO.code, school.schoolId],
      ),
    );
    expect(gifted).toEqual([{ code: '4A', class_number: expect.any(Number) }]);
    const late = await s.db.system((q) =>
      q.query<{ from_date: string }>(
        `SELECT sc.from_date::text FROM student_classes sc JOIN students st ON st.id = sc.student_id WHERE st.school_id = $1 AND st.reg_no = 'N111'`,
        [school.schoolId],
      ),
    );
    expect(late).toEqual([{ from_date: LATER }]);
    const leavers = await s.db.system((q) =>
      q.query<{ reg_no: string; status: string; leave_date: string }>(
        `SELECT reg_no, status, leave_date::text FROM students WHERE school_id = $1 AND reg_no IN ('R00003', 'R00151') ORDER BY reg_no`,
        [school.schoolId],
      ),
    );
    expect(leavers).toEqual([
      { reg_no: 'R00003', status: 'left', leave_date: FROM.endsOn },
      { reg_no: 'R00151', status: 'graduated', leave_date: FROM.endsOn },
    ]);
    expect(await audits('planning.rollover_migrated')).toBe(1);
  });

  it('refuses to migrate twice', async () => {
    const r = await c.post(`${BASE}/migrate`, { confirm: TO.code });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'rollover_migrated', errors: [{ path: TO.code, code: 'already_migrated' }] });
    expect((await c.post(`${BASE}/dry-run`, {})).body.code).toBe('rollover_migrated');
    expect((await c.del(BASE)).body.code).toBe('rollover_migrated');
  });

  it('undo restores the previous state exactly (counts and checksums of every touched table)', async () => {
    const r = await c.post(`${BASE}/undo`, {});
    expect(r.status).toBe(200);
    expect(r.body.restored).toBe(true);
    expect(await schoolChecksums(s.db, school.schoolId)).toEqual(before);
    expect(await yearStatus(school.schoolId)).toEqual({ '2025/26': 'finished', [FROM.code]: 'current' });
    expect((await c.post(`${BASE}/undo`, {})).status).toBe(409);
  });

  it('migrates again the same way; after the new year’s first change, undo is refused', async () => {
    const r = await c.post(`${BASE}/migrate`, { confirm: TO.code });
    expect(r.status).toBe(200);
    expect(r.body.written).toEqual(dry.written);
    const years = (await c.get('/api/school/years')).body.years as { id: string; code: string }[];
    const next = years.find((y) => y.code === TO.code);
    const made = await c.post('/api/school/classes', {
      yearId: next?.id,
      code: '6Z',
      level: 'S6',
      nameZh: '六Z',
      nameEn: 'Six Z',
      teacherIds: [],
    });
    expect(made.status).toBe(201);
    const undo = await c.post(`${BASE}/undo`, {});
    expect(undo.status).toBe(409);
    expect(undo.body).toMatchObject({ code: 'rollover_undo_refused', errors: [{ path: 'classes', code: 'changed_since_migration' }] });
    expect(await yearStatus(school.schoolId)).toMatchObject({ [TO.code]: 'current' });
    expect(await audits('planning.rollover_undone')).toBe(1);
  });
});

describe('killed half way', () => {
  it('a migration killed by SIGKILL in the middle leaves the old year intact', async () => {
    let db: Database;
    let env: Record<string, string>;
    let dir = '';
    if (TEST_DB === 'pg') {
      db = s.db;
      env = { DATABASE_URL: s.tdb.url ?? '' };
    } else {
      dir = join(mkdtempSync(join(tmpdir(), 'sams-rollover-')), 'data');
      db = await openPglite(dir, { loadDataDir: await migratedDump() });
      env = { DATA_DIR: dir };
    }
    const { schoolId, adminId: userId } = await keyOrgs(db, 8);
    await rolloverFixture(db, schoolId, 3, 10);
    await db.systemTx(async (q) => {
      const [y] = await q.query<{ id: string }>(`SELECT id FROM school_years WHERE school_id = $1 AND status = 'current'`, [schoolId]);
      await q.query(
        `INSERT INTO rollover_plans (school_id, from_year_id, to_code, to_starts_on, to_ends_on, created_at) VALUES ($1, $2, $3, $4, $5, now())`,
        [schoolId, y?.id, TO.code, TO.startsOn, TO.endsOn],
      );
      await q.query(
        `INSERT INTO rollover_classes (school_id, plan_id, position, code, level, name_zh, name_en, capacity)
         SELECT c.school_id, p.id, row_number() OVER (ORDER BY c.code), c.code, c.level, c.name_zh, c.name_en, 40
         FROM classes c JOIN rollover_plans p ON p.school_id = c.school_id WHERE c.year_id = $1`,
        [y?.id],
      );
      await q.query(`UPDATE students SET leave_date = $2 WHERE school_id = $1 AND reg_no = 'R99999'`, [schoolId, FROM.endsOn]);
      // The placements' insert sits in a slow trigger: the kill lands after the year and classes are written, inside the transaction.
      await q.query(
        `CREATE FUNCTION rollover_test_trap() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM count(*) FROM generate_series(1, 60000000); RETURN NULL; END $$`,
      );
      await q.query(
        `CREATE TRIGGER rollover_test_trap BEFORE INSERT ON student_classes FOR EACH STATEMENT EXECUTE FUNCTION rollover_test_trap()`,
      );
    });
    const before = await schoolChecksums(db, schoolId);
    if (TEST_DB === 'pglite') await db.close();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/rollover-child.ts'], {
      env: { ...process.env, ...env, SCHOOL_ID: schoolId, USER_ID: userId, CONFIRM: TO.code },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
    // A loaded machine takes a while to start tsx and load the module graph.
    for (let i = 0; i < 1200 && !out.includes('migrating'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out, err).toContain('migrating');
    // The placements' insert has started (the year and classes are written, in the open transaction): kill now.
    for (let i = 0; i < 1200 && !out.includes('placing'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out, err).toContain('placing');
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(out).not.toContain('migrated');
    if (TEST_DB === 'pg')
      await s.db.system((q) =>
        q.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'INSERT INTO student_classes%'`,
        ),
      );
    else db = await openPglite(dir);
    await db.systemTx(async (q) => {
      await q.query('DROP TRIGGER rollover_test_trap ON student_classes');
      await q.query('DROP FUNCTION rollover_test_trap()');
    });
    expect(await schoolChecksums(db, schoolId)).toEqual(before);
    const st = await db.system((q) =>
      q.query<{ code: string; status: string }>('SELECT code, status FROM school_years WHERE school_id = $1 ORDER BY code', [schoolId]),
    );
    expect(st).toEqual([
      { code: '2025/26', status: 'finished' },
      { code: FROM.code, status: 'current' },
    ]);
    const p = await db.system((q) => q.query<{ status: string }>('SELECT status FROM rollover_plans WHERE school_id = $1', [schoolId]));
    expect(p).toEqual([{ status: 'draft' }]);
    if (TEST_DB === 'pglite') await db.close();
  }, 240_000);
});
