import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck, strnWithCheck } from '../../src/server/modules/school/identity.js';
import { type SetupSchool, type TestServer, createUser, firstSignIn, setupSchool, startTestServer } from '../helpers/server.js';
import { snapshot } from '../helpers/snapshot.js';
import { exportFile } from '../helpers/jobs.js';

let s: TestServer;
let admin: SetupSchool;
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const HEAD = 'reg_no,strn,name_zh,name_en,sex,date_of_birth,id_type,id_number,entry_date,class,class_number';
const line = (n: number, cls = '1A', num = n, extra: Partial<Record<'hkid' | 'strn' | 'dob', string>> = {}) =>
  [
    `R${1000 + n}`,
    extra.strn ?? strnWithCheck('S', String(300000 + n)),
    `學生${n}`,
    `Student Number ${n}`,
    n % 2 ? 'M' : 'F',
    extra.dob ?? '2014-02-03',
    'hkid',
    extra.hkid ?? hkidWithCheck('B', String(400000 + n)),
    '2026-09-01',
    cls,
    String(num),
  ].join(',');

beforeAll(async () => {
  s = await startTestServer();
  admin = await setupSchool(s);
  const c = admin.client;
  await c.post('/api/school/years', { startYear: 2026 });
  const staff = ['T01,黃老師,Teacher Wong,Teacher,serving', 'T02,李老師,Teacher Lee,Teacher,serving'];
  const st = await c.post('/api/imports/staff/commit', {
    fileName: 'staff.csv',
    contentBase64: b64(`staff_code,name_zh,name_en,post,status\n${staff.join('\n')}\n`),
  });
  expect(st.body.committed, JSON.stringify(st.body)).toBe(true);
  const cl = await c.post('/api/imports/classes/commit', {
    fileName: 'classes.csv',
    contentBase64: b64('code,level,name_zh,name_en,class_teachers\n1A,S1,一甲,One A,T01\n1B,S1,一乙,One B,T02\n'),
  });
  expect(cl.body, JSON.stringify(cl.body)).toMatchObject({ committed: true, create: 2 });
});
afterAll(() => s?.close());

describe('import', () => {
  it('previews a file with one bad row: a per-row report, nothing written; fixed, it commits; again, nothing changes', async () => {
    const c = admin.client;
    const bad = [HEAD, line(1), line(2, '1A', 2, { hkid: 'B400002(9)' }), line(3, '1B', 1)].join('\n');
    const before = await snapshot(s.db);
    const preview = await c.post('/api/imports/students/preview', { fileName: 'students.csv', contentBase64: b64(bad) });
    expect(preview.status).toBe(200);
    expect(preview.body.issues).toEqual([{ row: 3, column: 'id_number', value: 'B400002(9)', code: 'hkid_invalid' }]);
    const refused = await c.post('/api/imports/students/commit', { fileName: 'students.csv', contentBase64: b64(bad) });
    expect(refused.body.committed).toBe(false);
    expect(await snapshot(s.db)).toEqual(before);

    const good = [HEAD, line(1), line(2), line(3, '1B', 1)].join('\n');
    const done = await c.post('/api/imports/students/commit', { fileName: 'students.csv', contentBase64: b64(good) });
    expect(done.body).toMatchObject({ committed: true, create: 3, update: 0, unchanged: 0, issues: [] });
    const list = (await c.get('/api/students')).body.students.map(
      (x: { classCode: string; classNumber: number }) => `${x.classCode} ${x.classNumber}`,
    );
    expect(list).toEqual(['1A 1', '1A 2', '1B 1']);

    const mid = await snapshot(s.db);
    const again = await c.post('/api/imports/students/commit', { fileName: 'students.csv', contentBase64: b64(good) });
    expect(again.body).toMatchObject({ committed: true, create: 0, update: 0, unchanged: 3 });
    expect(await snapshot(s.db)).toEqual(mid);
  });

  it('reports wrong headers, unknown classes, duplicate class numbers, bad STRNs and dates out of order', async () => {
    const c = admin.client;
    const headers = await c.post('/api/imports/students/preview', { fileName: 'x.csv', contentBase64: b64('reg_no,nickname\nR1,abc\n') });
    expect(headers.body.issues.map((i: { code: string; column: string }) => `${i.code}:${i.column}`)).toEqual(
      expect.arrayContaining(['unknown_column:nickname', 'missing_column:name_en', 'missing_column:id_number']),
    );
    const rows = [
      HEAD,
      line(10, '9Z', 1),
      line(11, '1A', 5),
      line(12, '1A', 5),
      line(13, '1B', 7, { strn: 'S00000' }),
      line(14, '1B', 8, { dob: '2027-01-01' }),
    ].join('\n');
    const r = await c.post('/api/imports/students/preview', { fileName: 'x.csv', contentBase64: b64(rows) });
    expect(r.body.issues.map((i: { row: number; code: string }) => `${i.row}:${i.code}`)).toEqual([
      '2:unknown_class',
      '4:class_number_taken',
      '5:strn_invalid',
      '6:dates_out_of_order',
    ]);
    // The same key twice in one file is reported on its second row, in the key's column, for every kind.
    const twice = await c.post('/api/imports/students/preview', {
      fileName: 'x.csv',
      contentBase64: b64([HEAD, line(15, '1A', 9), line(15, '1A', 10)].join('\n')),
    });
    expect(twice.body.issues).toEqual([{ row: 3, column: 'reg_no', value: 'R1015', code: 'duplicate_in_file' }]);
    const staff = await c.post('/api/imports/staff/preview', {
      fileName: 's.csv',
      contentBase64: b64('staff_code,name_en,status\nT90,Chan Tai Man,serving\nT90,Chan Tai Man,serving\n'),
    });
    expect(staff.body.issues).toEqual([{ row: 3, column: 'staff_code', value: 'T90', code: 'duplicate_in_file' }]);
  });

  it('an import is a whole-school action: the right for one’s own classes only is refused, and nothing is written', async () => {
    const c = admin.client;
    const role = await c.post('/api/admin/roles', {
      nameZh: '班務',
      nameEn: 'Class Records Keeper',
      grants: [
        { key: 'students.read', scope: 'own_classes' },
        { key: 'students.manage', scope: 'own_classes' },
      ],
    });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const u = await createUser(s, c, 'classkeeper');
    expect((await c.post(`/api/admin/roles/${role.body.id}/members`, { userId: u.id })).status).toBe(204);
    const keeper = await firstSignIn(s, 'classkeeper', u.password, '10.4.4.4');
    const before = await snapshot(s.db);
    for (const step of ['preview', 'commit']) {
      const r = await keeper.post(`/api/imports/students/${step}`, {
        fileName: 'students.csv',
        contentBase64: b64(`${HEAD}\n${line(60)}\n`),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
    expect(await snapshot(s.db)).toEqual(before);
  });

  it('refuses a file that is not a spreadsheet, and a 50 MB file', async () => {
    const c = admin.client;
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const r = await c.post('/api/imports/students/preview', { fileName: 'photo.png', contentBase64: b64(png) });
    expect(r.status).toBe(415);
    expect(r.body.code).toBe('file_not_spreadsheet');
    const big = await c.req(
      'POST',
      '/api/imports/students/preview',
      `{"fileName":"big.csv","contentBase64":"${'A'.repeat(50 * 1024 * 1024)}"}`,
    );
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('body_too_large');
  });

  it('reads XLSX with Chinese, and exports within the person’s scope with identity numbers left out', async () => {
    const c = admin.client;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('students');
    ws.addRow(HEAD.split(','));
    ws.addRow(line(20, '1B', 2).split(','));
    const x = await c.post('/api/imports/students/commit', {
      fileName: 'students.xlsx',
      contentBase64: b64(Buffer.from(await wb.xlsx.writeBuffer())),
    });
    expect(x.body).toMatchObject({ committed: true, create: 1 });
    const csv = await exportFile(s, c.cookie, 'students', { format: 'csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('學生20');
    expect(csv.body).not.toContain(hkidWithCheck('B', '400020').slice(0, 7));
    const xlsx = await exportFile(s, c.cookie, 'students', { format: 'xlsx' });
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(back.worksheets[0]?.rowCount).toBe(5);
  });
});
