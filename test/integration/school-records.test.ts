import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck, strnWithCheck } from '../../src/server/modules/school/identity.js';
import { Client, type SetupSchool, type TestServer, createUser, setupSchool, startTestServer } from '../helpers/server.js';
import { exportFile } from '../helpers/jobs.js';

let s: TestServer;
let admin: SetupSchool;
let other: SetupSchool;
let c: Client;
const ids: Record<string, string> = {};

const student = (n: number, extra: Record<string, unknown> = {}) => ({
  regNo: `R${String(n).padStart(5, '0')}`,
  strn: strnWithCheck('S', String(100000 + n)),
  nameZh: `陳小明${n}`,
  nameEn: `Chan Siu Ming ${n}`,
  sex: n % 2 ? 'M' : 'F',
  dateOfBirth: '2013-05-06',
  idType: 'hkid',
  idNumber: hkidWithCheck('A', String(200000 + n)),
  entryDate: '2025-09-01',
  ...extra,
});

beforeAll(async () => {
  s = await startTestServer();
  admin = await setupSchool(s, 1);
  other = await setupSchool(s, 2);
  c = admin.client;
  ids.year = (await c.post('/api/school/years', { startYear: 2026 })).body.id;
  ids.t1 = (await c.post('/api/staff', { staffCode: 'T01', nameEn: 'Wong Ka Yan', nameZh: '黃嘉欣', status: 'serving' })).body.id;
  ids.t2 = (await c.post('/api/staff', { staffCode: 'T02', nameEn: 'Lam Chi Keung', status: 'serving' })).body.id;
  ids.c5a = (
    await c.post('/api/school/classes', {
      yearId: ids.year,
      code: '5A',
      level: 'S5',
      nameZh: '五甲',
      nameEn: 'Five A',
      teacherIds: [ids.t1],
    })
  ).body.id;
  ids.c5b = (
    await c.post('/api/school/classes', {
      yearId: ids.year,
      code: '5B',
      level: 'S5',
      nameZh: '五乙',
      nameEn: 'Five B',
      teacherIds: [ids.t2],
    })
  ).body.id;
  for (let n = 1; n <= 4; n++) {
    const r = await c.post('/api/students', student(n, { classId: n <= 2 ? ids.c5a : ids.c5b, classNumber: n }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids[`s${n}`] = r.body.id;
  }
});
afterAll(() => s?.close());

describe('school records', () => {
  it('lists students with class and number, and finds them by partial Chinese or English name, STRN or registration number', async () => {
    const all = await c.get('/api/students');
    expect(all.body.total).toBe(4);
    expect(all.body.students.map((x: { classCode: string; classNumber: number }) => `${x.classCode} ${x.classNumber}`)).toEqual([
      '5A 1',
      '5A 2',
      '5B 3',
      '5B 4',
    ]);
    expect((await c.get(`/api/students?q=${encodeURIComponent('小明3')}`)).body.students.map((x: { regNo: string }) => x.regNo)).toEqual([
      'R00003',
    ]);
    expect((await c.get('/api/students?q=siu%20ming%204')).body.total).toBe(1);
    expect((await c.get(`/api/students?q=${strnWithCheck('S', '100002')}`)).body.students[0].regNo).toBe('R00002');
    expect((await c.get('/api/students?q=r00001')).body.total).toBe(1);
    expect((await c.get(`/api/students?classId=${ids.c5b}`)).body.total).toBe(2);
    expect((await c.get('/api/students?q=%25')).body.total).toBe(0); // a LIKE wildcard is just a character
  });

  it('masks the identity number and audits every reveal with its reason', async () => {
    const d = await c.get(`/api/students/${ids.s1}`);
    expect(d.body.idMasked).toBe('A200***(*)');
    expect(JSON.stringify(d.body)).not.toContain(hkidWithCheck('A', '200001'));
    expect(JSON.stringify((await c.get('/api/students')).body)).not.toContain('200001(');
    const r = await c.post(`/api/students/${ids.s1}/reveal-id`, { reason: 'verify for the enrolment survey' });
    expect(r.body.idNumber).toBe(hkidWithCheck('A', '200001'));
    const audit = await c.get('/api/audit?action=students.id_revealed');
    expect(audit.body.entries[0].details.reason).toBe('verify for the enrolment survey');
    expect(JSON.stringify(audit.body)).not.toContain(hkidWithCheck('A', '200001'));
  });

  it('refuses a bad HKID check digit, a bad STRN, dates out of order and a taken class number, writing nothing', async () => {
    const before = (await c.get('/api/students')).body.total;
    expect((await c.post('/api/students', student(9, { idNumber: 'A123456(4)' }))).body.code).toBe('hkid_invalid');
    expect((await c.post('/api/students', student(9, { strn: 'S12345' }))).body.code).toBe('strn_invalid');
    expect((await c.post('/api/students', student(9, { entryDate: '2010-01-01' }))).body.code).toBe('dates_out_of_order');
    expect((await c.post('/api/students', student(9, { classId: ids.c5a, classNumber: 1 }))).body.code).toBe('class_number_taken');
    expect((await c.post('/api/students', student(9, { regNo: 'R00001' }))).body.code).toBe('reg_no_taken');
    expect((await c.get('/api/students')).body.total).toBe(before);
  });

  it('a second editor gets a conflict, not a silent overwrite', async () => {
    const d = (await c.get(`/api/students/${ids.s2}`)).body;
    const { id: _i, classId: _c, classCode: _cc, classNumber: _cn, idMasked: _m, history: _h, idType, ...rest } = d;
    const body = {
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null)),
      idType,
      idNumber: hkidWithCheck('A', '200002'),
    };
    expect((await c.put(`/api/students/${ids.s2}`, { ...body, nameEn: 'First Editor' })).status).toBe(204);
    const second = await c.put(`/api/students/${ids.s2}`, { ...body, nameEn: 'Second Editor' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('version_conflict');
    expect((await c.get(`/api/students/${ids.s2}`)).body.nameEn).toBe('First Editor');
  });

  it('keeps a history of class changes', async () => {
    expect((await c.post(`/api/students/${ids.s4}/placement`, { classId: ids.c5a, classNumber: 9, fromDate: '2027-01-04' })).status).toBe(
      204,
    );
    const d = (await c.get(`/api/students/${ids.s4}`)).body;
    expect(`${d.classCode} ${d.classNumber}`).toBe('5A 9');
    expect(d.history.map((h: { classCode: string; toDate: string | null }) => `${h.classCode}:${h.toDate ?? 'now'}`)).toEqual([
      '5A:now',
      '5B:2027-01-03',
    ]);
  });

  it('a teacher sees only their own classes, through list, search and direct id', async () => {
    const u = await createUser(s, c, 'wongky', ['teacher']);
    // T02 is class teacher of 5B: link the staff record to the new account.
    const t2 = ((await c.get('/api/staff?q=T02')).body.staff as { version: number }[])[0];
    expect(
      (
        await c.put(`/api/staff/${ids.t2}`, {
          staffCode: 'T02',
          nameEn: 'Lam Chi Keung',
          status: 'serving',
          userId: u.id,
          version: t2?.version,
        })
      ).status,
    ).toBe(204);
    const t = new Client(s, '10.3.3.3');
    await t.post('/api/auth/login', { username: 'wongky', password: u.password, school: admin.code });
    await t.refreshCsrf();
    await t.post('/api/account/password', { currentPassword: u.password, newPassword: 'teacher wong passphrase' });
    await t.refreshCsrf();
    const list = await t.get('/api/students');
    expect(list.body.students.map((x: { classCode: string }) => x.classCode)).toEqual(['5B']);
    expect((await t.get('/api/students?q=Chan')).body.total).toBe(1);
    expect((await t.get(`/api/students/${ids.s1}`)).status).toBe(404);
    expect((await t.get(`/api/students/${ids.s3}`)).status).toBe(200);
    expect((await t.post(`/api/students/${ids.s3}/reveal-id`, { reason: 'just curious here' })).status).toBe(403);
    expect((await t.post('/api/students', student(20))).status).toBe(403);
    const csv = await exportFile(s, t.cookie, 'students', { format: 'csv' });
    expect(csv.body).toContain('R00003');
    expect(csv.body).not.toContain('R00001');
  });

  it('a finished year is read-only', async () => {
    const next = (await c.post('/api/school/years', { startYear: 2027 })).body.id;
    expect((await c.post(`/api/school/years/${next}/make-current`)).status).toBe(204);
    const years = (await c.get('/api/school/years')).body.years as { code: string; status: string }[];
    expect(years.map((y) => `${y.code}:${y.status}`)).toEqual(['2027/28:current', '2026/27:finished']);
    expect(
      (await c.post('/api/school/classes', { yearId: ids.year, code: '5C', level: 'S5', nameZh: '五丙', nameEn: 'Five C' })).body.code,
    ).toBe('year_finished');
    expect(
      (await c.post(`/api/students/${ids.s3}/placement`, { classId: ids.c5a, classNumber: 20, fromDate: '2027-06-01' })).body.code,
    ).toBe('year_finished');
  });

  it('cannot point at another school’s records', async () => {
    const theirs = (await other.client.post('/api/staff', { staffCode: 'X01', nameEn: 'Other School Teacher', status: 'serving' })).body.id;
    const year = (await c.get('/api/school/years')).body.years[0].id;
    const r = await c.post('/api/school/classes', {
      yearId: year,
      code: '1A',
      level: 'S1',
      nameZh: '一甲',
      nameEn: 'One A',
      teacherIds: [theirs],
    });
    expect(r.status).toBe(404);
    expect((await other.client.get('/api/students')).body.total).toBe(0);
  });
});
