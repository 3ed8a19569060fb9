import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck, strnWithCheck } from '../../src/server/modules/school/identity.js';
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
 * Corrections in a return that reach the student's record (issue 10): checked as the record screen
 * checks them, in the return edit's transaction (a refusal changes neither), audited; totals follow
 * every edit; the authority sees which rows were corrected.
 */
let s: TestServer;
let school: SetupSchool;
let edb: SetupSchool;
let office: Client;
let seo: Client;
let principal: Client;
let deliveryId = '';
let messageId = '';
let returnId = '';
const DAY = 86_400_000;
const REF = '2026-10-15';

interface ReturnBody {
  id: string;
  version: number;
  state: string;
  files: { name: string; rows: Record<string, string>[] }[];
  summary: Record<string, number>;
  problems: { file: string; row: number; column: string }[];
  corrections: { file: string; row: number; columns: string[]; record: boolean }[];
}
const getReturn = async (): Promise<ReturnBody> => (await office.get(`/api/exchange/returns/${returnId}`)).body;
const studentRows = (r: ReturnBody) => r.files.find((f) => f.name === 'students')?.rows ?? [];
const studentOf = async (regNo: string) =>
  ((await school.client.get(`/api/students?q=${regNo}`)).body.students as { regNo: string; strn: string | null; nameEn: string }[]).find(
    (x) => x.regNo === regNo,
  );
const withRow = (rows: Record<string, string>[], row: number, change: Record<string, string>) =>
  rows.map((r, i) => (i === row - 1 ? { ...r, ...change } : r));

beforeAll(async () => {
  s = await startTestServer();
  school = await setupSchool(s, 1);
  edb = await setupSchool(s, 3, 'EDB');
  const c = school.client;
  const year = (await c.post('/api/school/years', { startYear: 2026 })).body.id;
  const classId = (
    await c.post('/api/school/classes', { yearId: year, code: '1A', level: 'S1', nameZh: '一甲', nameEn: 'One A', teacherIds: [] })
  ).body.id;
  for (let n = 1; n <= 3; n++) {
    const r = await c.post('/api/students', {
      regNo: `R0000${n}`,
      strn: n === 2 ? undefined : strnWithCheck('S', String(300000 + n)),
      nameZh: `陳小明${n}`,
      nameEn: `Chan Siu Ming ${n}`,
      sex: 'M',
      dateOfBirth: '2013-05-06',
      idType: 'hkid',
      idNumber: hkidWithCheck('B', String(400000 + n)),
      entryDate: '2026-09-01',
      classId,
      classNumber: n,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  const p = await createUser(s, c, 'principal1', ['principal']);
  principal = await firstSignIn(s, 'principal1', p.password, '10.1.0.9', school.code);
  const o = await createUser(s, c, 'office1', ['office_staff']);
  office = await firstSignIn(s, 'office1', o.password, '10.1.0.8', school.code);
  const e = await createUser(s, c, 'seo1', ['seo']);
  seo = await firstSignIn(s, 'seo1', e.password, '10.1.0.7', school.code);
  const put = await c.put('/api/exchange/procedures/headcount', {
    ownerId: o.id,
    backupId: e.id,
    checkerId: p.id,
    leadDays: 3,
    notes: null,
  });
  expect(put.status).toBe(204);
  const m = await edb.client.post('/api/authority/messages', {
    category: 'headcount',
    subjectCode: 'SHC',
    typeCode: 'SURVEY',
    titleZh: '學生人數統計',
    titleEn: 'Student headcount',
    bodyZh: '請於限期前提交。',
    bodyEn: 'Please submit before the deadline.',
    referenceDate: REF,
    deadline: new Date(s.clock.now().getTime() + 20 * DAY).toISOString(),
    audience: { levels: [], schoolIds: [school.schoolId] },
    template: { kind: 'headcount', rules: ['required students.strn'] },
  });
  expect(m.status, JSON.stringify(m.body)).toBe(201);
  messageId = m.body.id;
  expect((await c.post('/api/exchange/unlock', { words: school.words })).body.failed).toBe(0);
  deliveryId = (await c.get(`/api/exchange/inbox?q=${encodeURIComponent(m.body.refNo)}`)).body.items[0].id;
  const g = await office.post(`/api/exchange/inbox/${deliveryId}/returns`, {});
  expect(g.status, JSON.stringify(g.body)).toBe(201);
  returnId = g.body.id;
});
afterAll(() => s?.close());

describe('a correction in a return that also corrects the student record', () => {
  it('is refused whole when the record refuses it: neither the return nor the record changes', async () => {
    const before = await getReturn();
    expect(studentRows(before)[1]).toMatchObject({ regNo: 'R00002', strn: '' });
    expect(before.problems.map((p) => `${p.row}:${p.column}`)).toEqual(['2:strn']);
    const bad = await office.put(`/api/exchange/returns/${returnId}/rows`, {
      files: [{ name: 'students', rows: withRow(studentRows(before), 2, { strn: 'S12' }) }],
      records: [{ file: 'students', row: 2 }],
      version: before.version,
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'record_correction_invalid', errors: [{ path: 'students:2:strn', code: 'strn_invalid' }] });
    // Another student's STRN: the record's unique rule refuses it, named on the cell.
    const taken = await office.put(`/api/exchange/returns/${returnId}/rows`, {
      files: [{ name: 'students', rows: withRow(studentRows(before), 2, { strn: strnWithCheck('S', '300001') }) }],
      records: [{ file: 'students', row: 2 }],
      version: before.version,
    });
    expect(taken.body).toMatchObject({ code: 'record_correction_invalid', errors: [{ path: 'students:2:strn', code: 'strn_taken' }] });
    // A row that is not there is not a student's.
    const nowhere = await office.put(`/api/exchange/returns/${returnId}/rows`, {
      files: [{ name: 'students', rows: studentRows(before) }],
      records: [{ file: 'students', row: 9 }],
      version: before.version,
    });
    expect(nowhere.body).toMatchObject({
      code: 'record_correction_invalid',
      errors: [{ path: 'students:9:regNo', code: 'not_a_student_row' }],
    });
    const after = await getReturn();
    expect(after.version).toBe(before.version);
    expect(studentRows(after)).toEqual(studentRows(before));
    expect(after.corrections).toEqual([]);
    expect((await studentOf('R00002'))?.strn).toBeNull();
  });

  it('a preparer without the right to manage students corrects the return only', async () => {
    const before = await getReturn();
    const rows = withRow(studentRows(before), 2, { strn: strnWithCheck('S', '300002') });
    const refused = await seo.put(`/api/exchange/returns/${returnId}/rows`, {
      files: [{ name: 'students', rows }],
      records: [{ file: 'students', row: 2 }],
      version: before.version,
    });
    expect(refused.status).toBe(403);
    expect((await getReturn()).version).toBe(before.version);
  });

  it('writes the STRN to the record in the same step, audited, and the row is marked corrected with its record', async () => {
    const before = await getReturn();
    const strn = strnWithCheck('S', '300002');
    const r = await office.put(`/api/exchange/returns/${returnId}/rows`, {
      files: [{ name: 'students', rows: withRow(studentRows(before), 2, { strn: strn.toLowerCase() }) }],
      records: [{ file: 'students', row: 2 }],
      version: before.version,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(204);
    const after = await getReturn();
    expect(after.problems).toEqual([]);
    expect(after.corrections).toEqual([{ file: 'students', row: 2, columns: ['strn'], record: true }]);
    // The record holds the number as its screen would store it (normalised).
    expect((await studentOf('R00002'))?.strn).toBe(strn);
    const audit = (await school.client.get('/api/audit?action=students.updated')).body.entries as {
      actorName: string;
      details: Record<string, unknown>;
    }[];
    expect(audit[0]).toMatchObject({
      actorName: 'office1',
      details: { strn: { before: null, after: strn }, source: `return:${returnId}` },
    });
    const edited = (await school.client.get('/api/audit?action=exchange.return_edited')).body.entries as {
      details: Record<string, unknown>;
    }[];
    expect(edited[0]?.details).toMatchObject({ corrected: 1, records: 1 });
  });

  it('the next return generated from the records carries the corrected STRN, with nothing left to correct', async () => {
    const g = await office.post(`/api/exchange/inbox/${deliveryId}/returns`, {});
    expect(g.status).toBe(201);
    const r = await getReturn();
    expect(studentRows(r)[1]?.strn).toBe(strnWithCheck('S', '300002'));
    expect(r.corrections).toEqual([]);
  });

  it('totals follow every edit; a change only to the return is marked without its record', async () => {
    const before = await getReturn();
    expect(before.summary).toMatchObject({ S1: 3, S2: 0 });
    const rows = withRow(withRow(studentRows(before), 3, { level: 'S2' }), 1, { nameEn: 'Chan Siu Ming One' });
    const r = await office.put(`/api/exchange/returns/${returnId}/rows`, {
      files: [{ name: 'students', rows }],
      records: [{ file: 'students', row: 1 }],
      version: before.version,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(204);
    const after = await getReturn();
    expect(after.summary).toMatchObject({ S1: 2, S2: 1 });
    expect(after.corrections).toEqual([
      { file: 'students', row: 1, columns: ['nameEn'], record: true },
      { file: 'students', row: 3, columns: ['level'], record: false },
    ]);
    expect((await studentOf('R00001'))?.nameEn).toBe('Chan Siu Ming One');
  });

  it('the authority sees which rows were corrected, and whether the record was too', async () => {
    expect((await office.post(`/api/exchange/returns/${returnId}/ready`)).status).toBe(204);
    const r = await getReturn();
    const a = await principal.post(`/api/exchange/returns/${returnId}/approve`, { words: school.words, version: r.version });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.state).toBe('received');
    const progress = (await edb.client.get(`/api/authority/messages/${messageId}`)).body.schools as { packageId: string | null }[];
    const opened = await edb.client.post(`/api/authority/packages/${progress[0]?.packageId ?? ''}/open`, { words: edb.words });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body.corrections).toEqual([
      { file: 'students', row: 1, columns: ['nameEn'], record: true },
      { file: 'students', row: 3, columns: ['level'], record: false },
    ]);
  });
});
