import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck, strnWithCheck } from '../../src/server/modules/school/identity.js';
import { type SetupSchool, type TestServer, createUser, firstSignIn, setupSchool, startTestServer } from '../helpers/server.js';
import { snapshot } from '../helpers/snapshot.js';
import { exportFile } from '../helpers/jobs.js';

/** Issue 10 item 7–8: one-pass checks, duplicates, Chinese headers, export → import, placements' day, search. */
let s: TestServer;
let admin: SetupSchool;
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const HEAD = 'reg_no,strn,name_zh,name_en,sex,date_of_birth,id_type,id_number,entry_date,class,class_number';
const ZH_HEAD = '註冊編號,學生編號,中文姓名,英文姓名,性別,出生日期,身份證明文件類別,身份證明文件號碼,入學日期,班別,學號';
const hkid = (n: number) => hkidWithCheck('C', String(500000 + n));
/** The card with a check character that cannot be right. */
const wrongCheck = (id: string) => id.replace(/\((.)\)$/, (_, c: string) => `(${c === '1' ? '2' : '1'})`);
const strn = (n: number) => strnWithCheck('T', String(600000 + n));
interface Line {
  reg?: string;
  strn?: string;
  nameZh?: string;
  dob?: string;
  hkid?: string;
  cls?: string;
  num?: string;
  entry?: string;
}
const line = (n: number, o: Line = {}) =>
  [
    o.reg ?? `K${100 + n}`,
    o.strn ?? strn(n),
    o.nameZh ?? `學生${n}`,
    `Pupil ${n}`,
    n % 2 ? 'M' : 'F',
    o.dob ?? '2014-02-03',
    'hkid',
    o.hkid ?? hkid(n),
    o.entry ?? '2026-09-01',
    o.cls ?? '1A',
    o.num ?? String(n),
  ].join(',');
type IssueRow = { row: number; column: string; code: string };
const codes = (issues: IssueRow[]) => issues.map((i) => `${i.row}:${i.column}:${i.code}`);
const preview = (kind: string, text: string | Buffer, effectiveDate?: string) =>
  admin.client.post(`/api/imports/${kind}/preview`, {
    fileName: 'f.csv',
    contentBase64: b64(text),
    ...(effectiveDate ? { effectiveDate } : {}),
  });
const commit = (kind: string, text: string | Buffer, effectiveDate?: string) =>
  admin.client.post(`/api/imports/${kind}/commit`, {
    fileName: 'f.csv',
    contentBase64: b64(text),
    ...(effectiveDate ? { effectiveDate } : {}),
  });

async function exported(kind: 'students' | 'staff', format: 'csv' | 'xlsx', lang: 'en' | 'zh', cookie = admin.client.cookie) {
  const r = await exportFile(s, cookie, kind, { format, lang });
  expect(r.statusCode).toBe(200);
  return r.rawPayload;
}
const importedAudits = () =>
  s.db.system((q) => q.query<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE action IN ('school.imported', 'students.updated')`));
const placements = (regNo: string) =>
  s.db.system((q) =>
    q.query<{ code: string; class_number: number; from_date: string; to_date: string | null }>(
      `SELECT c.code, sc.class_number, sc.from_date::text, sc.to_date::text FROM student_classes sc JOIN classes c ON c.id = sc.class_id
       JOIN students st ON st.id = sc.student_id WHERE st.reg_no = $1 ORDER BY sc.from_date, sc.to_date NULLS LAST`,
      [regNo],
    ),
  );

beforeAll(async () => {
  s = await startTestServer();
  admin = await setupSchool(s);
  const c = admin.client;
  await c.post('/api/school/years', { startYear: 2026 });
  expect((await commit('staff', 'staff_code,name_en\nT01,Teacher Wong\nT02,Teacher Lee\n')).body.committed).toBe(true);
  const cl = await commit('classes', 'code,level,name_zh,name_en,class_teachers\n1A,S1,一甲,One A,T01\n1B,S1,一乙,One B,T02\n');
  expect(cl.body, JSON.stringify(cl.body)).toMatchObject({ committed: true, create: 2 });
  const st = await commit('students', [HEAD, line(1), line(2), line(3, { cls: '1B', num: '1' })].join('\n'));
  expect(st.body, JSON.stringify(st.body)).toMatchObject({ committed: true, create: 3 });
});
afterAll(() => s?.close());

describe('one pass', () => {
  it('reports every problem of every row at once, duplicates within the file and against the records included, and changes nothing', async () => {
    const rows = [
      HEAD,
      // Row 2: a date in the wrong form, a wrong HKID check digit and an unknown class, all in one row.
      line(10, { dob: '03/02/2014', hkid: wrongCheck(hkid(10)), cls: '9Z' }),
      // Rows 3 and 4: the same HKID, STRN and reg. no. twice in the file.
      line(11),
      line(12, { reg: 'K111', hkid: hkid(11), strn: strn(11) }),
      // Row 5: a new student with the HKID and the STRN of a stored one (K101).
      line(13, { hkid: hkid(1), strn: strn(1) }),
      // Row 6: a malformed STRN and a class number taken by K101.
      line(14, { strn: 'T12', num: '1' }),
    ].join('\n');
    const before = await snapshot(s.db);
    const r = await preview('students', rows);
    expect(codes(r.body.issues)).toEqual([
      '2:date_of_birth:invalid_format',
      '2:id_number:hkid_invalid',
      '2:class:unknown_class',
      '4:reg_no:duplicate_in_file',
      '5:id_number:id_number_taken',
      '5:strn:strn_taken',
      '6:strn:strn_invalid',
      '6:class_number:class_number_taken',
    ]);
    // Two rows with one HKID but different reg. nos. are a duplicate of their own.
    const twice = await preview('students', [HEAD, line(20), line(21, { hkid: hkid(20), strn: strn(20) })].join('\n'));
    expect(codes(twice.body.issues)).toEqual(['3:id_number:duplicate_in_file', '3:strn:duplicate_in_file']);
    expect(twice.body.issues[0].value).toBe(`${hkid(20).slice(0, 4)}***(*)`);
    const refused = await commit('students', rows);
    expect(refused.body.committed).toBe(false);
    expect(await snapshot(s.db)).toEqual(before);
  });

  it('a file with unknown and missing columns still has its rows checked; a column twice (English and Chinese) is named', async () => {
    const r = await preview('students', `reg_no,nickname,name_en,英文姓名\nK200,abc,Someone,Someone\n`);
    expect(codes(r.body.issues)).toEqual(
      expect.arrayContaining([
        '1:nickname:unknown_column',
        '1:英文姓名:duplicate_column',
        '1:id_number:missing_column',
        '1:sex:missing_column',
      ]),
    );
    const noKey = await preview('students', 'name_en\nSomeone\n');
    expect(codes(noKey.body.issues)).toEqual(['1:reg_no:missing_column']);
  });
});

describe('Chinese headers', () => {
  it('imports a file written with Chinese headers and words for coded values, and names problems by its own headers', async () => {
    const c = admin.client;
    const row = (n: number, sex: string, h = hkid(n)) =>
      [`K${100 + n}`, strn(n), `學生${n}`, `Pupil ${n}`, sex, '2014-05-06', '香港身份證', h, '2026-09-01', '1B', String(n)].join(',');
    const bad = await preview('students', [ZH_HEAD, row(30, '男', wrongCheck(hkid(30)))].join('\n'));
    expect(codes(bad.body.issues)).toEqual(['2:身份證明文件號碼:hkid_invalid']);
    const done = await commit('students', [ZH_HEAD, row(30, '男'), row(31, '女')].join('\n'));
    expect(done.body, JSON.stringify(done.body)).toMatchObject({ committed: true, create: 2, issues: [] });
    const found = (await c.get('/api/students?q=K131')).body.students;
    expect(found).toMatchObject([{ regNo: 'K131', sex: 'F', classCode: '1B', classNumber: 31 }]);
    // Headers are matched whatever their case, spacing or full-width form.
    const loose = await preview('staff', 'Staff Code,Name (EN),ＥＭＡＩＬ\nT01,Teacher Wong,\n'.replace('Name (EN)', 'English Name'));
    expect(loose.body).toMatchObject({ issues: [], unchanged: 1 });
  });
});

describe('export → import', () => {
  for (const [format, lang] of [
    ['csv', 'en'],
    ['xlsx', 'zh'],
  ] as const)
    it(`a ${format.toUpperCase()} export with ${lang} headers imports again changing nothing`, async () => {
      const file = await exported('students', format, lang);
      if (lang === 'zh' && format === 'xlsx') {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(file as unknown as ArrayBuffer);
        // The columns this export has always had come first (another module adds its own after them).
        expect((wb.worksheets[0]?.getRow(1).values as unknown[]).slice(0, 9)).toEqual([
          undefined,
          '班別',
          '學號',
          '註冊編號',
          '學生編號',
          '中文姓名',
          '英文姓名',
          '性別',
          '狀況',
        ]);
      }
      // Exported first: an export is a (background) job of its own, not a change the re-import may make.
      const staff = await exported('staff', format, lang);
      const before = await snapshot(s.db);
      const [audits] = await importedAudits();
      const check = await preview('students', file);
      expect(check.body, JSON.stringify(check.body.issues)).toMatchObject({ issues: [], create: 0, update: 0, placements: 0 });
      expect(check.body.unchanged).toBe(check.body.rows);
      const done = await commit('students', file);
      expect(done.body).toMatchObject({ committed: true, create: 0, update: 0 });
      expect(await snapshot(s.db)).toEqual(before);
      expect(await importedAudits()).toEqual([audits]);
      expect((await commit('staff', staff)).body).toMatchObject({ committed: true, create: 0, update: 0, issues: [] });
      expect(await snapshot(s.db)).toEqual(before);
    });

  it('an edited export updates the names it changes and leaves the identity numbers and birth dates as stored', async () => {
    const ids = () =>
      s.db.system((q) =>
        q.query<{ reg_no: string; id_sealed: string; id_hash: string; date_of_birth: string }>(
          `SELECT reg_no, id_sealed, id_hash, date_of_birth::text FROM students ORDER BY reg_no`,
        ),
      );
    const stored = await ids();
    const csv = (await exported('students', 'csv', 'en')).toString('utf8').replace('Pupil 2,', 'Pupil Two,');
    const r = await commit('students', csv);
    expect(r.body, JSON.stringify(r.body)).toMatchObject({ committed: true, update: 1, create: 0 });
    expect(await ids()).toEqual(stored);
    expect((await admin.client.get('/api/students?q=K102')).body.students[0].nameEn).toBe('Pupil Two');
    // A new student in such a file needs the columns a new record needs: named once, for the file.
    const extra = `${csv.trimEnd()}\r\n1B,40,K140,,,Newcomer,M,on_roll\r\n`;
    const refused = await preview('students', extra);
    expect(codes(refused.body.issues)).toEqual([
      '1:date_of_birth:missing_column',
      '1:id_type:missing_column',
      '1:id_number:missing_column',
      '1:entry_date:missing_column',
    ]);
  });
});

describe('placements from an import', () => {
  it('start on the year’s first day by default, or on the day chosen (shown in the preview); a day outside the year is refused', async () => {
    expect(await placements('K101')).toEqual([{ code: '1A', class_number: 1, from_date: '2026-09-01', to_date: null }]);
    const move = [HEAD, line(1, { cls: '1B', num: '51' })].join('\n');
    const check = await preview('students', move, '2026-10-05');
    expect(check.body).toMatchObject({ issues: [], update: 1, placements: 1, placementsFrom: '2026-10-05' });
    expect((await preview('students', move)).body).toMatchObject({ placementsFrom: '2026-09-01' });
    const outside = await preview('students', move, '2027-09-01');
    expect(codes(outside.body.issues)).toEqual(['0::effective_date_outside_year']);
    expect((await commit('students', move, '2026-10-05')).body).toMatchObject({ committed: true, update: 1 });
    expect(await placements('K101')).toEqual([
      { code: '1A', class_number: 1, from_date: '2026-09-01', to_date: '2026-10-04' },
      { code: '1B', class_number: 51, from_date: '2026-10-05', to_date: null },
    ]);
    // Corrected on the same day: the placement from that day is replaced, not overlapped.
    expect((await commit('students', [HEAD, line(1, { cls: '1B', num: '52' })].join('\n'), '2026-10-05')).body.committed).toBe(true);
    expect(await placements('K101')).toEqual([
      { code: '1A', class_number: 1, from_date: '2026-09-01', to_date: '2026-10-04' },
      { code: '1B', class_number: 52, from_date: '2026-10-05', to_date: null },
    ]);
  });
});

describe('search', () => {
  it('ignores spaces in Chinese names, finds part of an STRN or a registration number, and keeps a teacher to their classes', async () => {
    const c = admin.client;
    const r = await commit(
      'students',
      [HEAD, line(60, { nameZh: '劉子浩', cls: '1A', num: '60' }), line(61, { nameZh: '陳 美 玲', cls: '1B', num: '61' })].join('\n'),
    );
    expect(r.body.committed, JSON.stringify(r.body)).toBe(true);
    const find = async (q: string, client = c) =>
      ((await client.get(`/api/students?q=${encodeURIComponent(q)}`)).body.students as { regNo: string }[]).map((x) => x.regNo);
    expect(await find('劉 子浩')).toEqual(['K160']);
    expect(await find('劉子浩')).toEqual(['K160']);
    expect(await find('陳美玲')).toEqual(['K161']);
    expect(await find('美 玲')).toEqual(['K161']);
    expect(await find(strn(60).slice(3))).toEqual(['K160']);
    expect(await find(strn(61).toLowerCase())).toEqual(['K161']);
    expect(await find('k16')).toEqual(['K160', 'K161']);
    expect(await find('Pupil 61')).toEqual(['K161']);
    expect(await find('no such')).toEqual([]);
    // A teacher sees only the classes they teach (T01 is 1A's class teacher).
    const u = await createUser(s, c, 'wongteacher', ['teacher']);
    const staff = (await c.get('/api/staff?q=T01')).body.staff[0];
    const link = await c.put(`/api/staff/${staff.id}`, {
      staffCode: 'T01',
      nameEn: staff.nameEn,
      status: 'serving',
      userId: u.id,
      version: staff.version,
    });
    expect(link.status, JSON.stringify(link.body)).toBe(204);
    const teacher = await firstSignIn(s, 'wongteacher', u.password, '10.6.6.6');
    expect(await find('k16', teacher)).toEqual(['K160']);
    expect(await find('陳 美玲', teacher)).toEqual([]);
  });

  it('the search reads the trigram index', async () => {
    const plan = await s.db.system(async (q) => {
      await q.query('SET enable_seqscan = off');
      try {
        return await q.query<Record<string, string>>(
          `EXPLAIN SELECT id FROM students st WHERE (st.reg_no || ' ' || coalesce(st.strn, '') || ' ' || st.name_en || ' ' || translate(coalesce(st.name_zh, ''), ' \u3000', '')) ILIKE '%劉子浩%'`,
        );
      } finally {
        await q.query('RESET enable_seqscan');
      }
    });
    expect(plan.map((r) => Object.values(r).join(' ')).join('\n')).toContain('students_search');
  });
});
