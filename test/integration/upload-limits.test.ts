import ExcelJS from 'exceljs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck, strnWithCheck } from '../../src/server/modules/school/identity.js';
import { type SetupSchool, type TestServer, setupSchool, startTestServer } from '../helpers/server.js';
import { snapshot } from '../helpers/snapshot.js';
import { spreadsheetBomb, workbookAround, zipOf } from '../helpers/zip.js';

let s: TestServer;
let admin: SetupSchool;
let other: SetupSchool;
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const HEAD = 'reg_no,strn,name_zh,name_en,sex,date_of_birth,id_type,id_number,entry_date,class,class_number';
const line = (n: number) =>
  [
    `R${10000 + n}`,
    strnWithCheck('S', String(600000 + n)),
    `學生${n}`,
    `Student ${n}`,
    'F',
    '2014-02-03',
    'hkid',
    hkidWithCheck('C', String(500000 + n)),
    '2026-09-01',
    '1A',
    String(n),
  ].join(',');
const preview = (who: SetupSchool, fileName: string, file: Buffer) =>
  who.client.post('/api/imports/students/preview', { fileName, contentBase64: b64(file) });

beforeAll(async () => {
  s = await startTestServer();
  admin = await setupSchool(s, 1);
  other = await setupSchool(s, 2);
  await admin.client.post('/api/school/years', { startYear: 2026 });
  const cl = await admin.client.post('/api/imports/classes/commit', {
    fileName: 'classes.csv',
    contentBase64: b64('code,level,name_zh,name_en\n1A,S1,一甲,One A\n'),
  });
  expect(cl.body, JSON.stringify(cl.body)).toMatchObject({ committed: true });
});
afterAll(() => s?.close());

describe('upload cost', () => {
  it('refuses an XLSX of ~1 MB that unpacks to 300 MB from its directory, without unpacking it, and changes nothing', async () => {
    const bomb = spreadsheetBomb(300);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const before = await snapshot(s.db);
    const rss = process.memoryUsage().rss;
    const t = performance.now();
    const r = await preview(admin, 'bomb.xlsx', bomb);
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('spreadsheet_too_large');
    expect(performance.now() - t).toBeLessThan(5000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
    const commit = await admin.client.post('/api/imports/students/commit', { fileName: 'bomb.xlsx', contentBase64: b64(bomb) });
    expect(commit.body.code).toBe('spreadsheet_too_large');
    expect(await snapshot(s.db)).toEqual(before);
  });

  it('refuses an archive that says it unpacks to 2 MB once it unpacks past that, and one of too many entries', async () => {
    const liar = spreadsheetBomb(300, true);
    const t = performance.now();
    const r = await preview(admin, 'liar.xlsx', liar);
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('spreadsheet_too_large');
    expect(performance.now() - t).toBeLessThan(10_000);
    const many = zipOf(Array.from({ length: 1001 }, (_, i) => ({ name: `xl/media/p${i}.xml`, data: Buffer.from('<x/>') })));
    const m = await preview(admin, 'many.xlsx', many);
    expect(m.body.code).toBe('spreadsheet_too_large');
    // A zip with junk where a sheet's XML should be: not a spreadsheet, not a 500.
    const junk = zipOf(workbookAround({ data: Buffer.from('<worksheet><sheetData><row><c') }));
    const j = await preview(admin, 'junk.xlsx', junk);
    expect(j.status).toBe(415);
    expect(j.body.code).toBe('file_not_spreadsheet');
  });

  it('three bombs and three liars at once are each refused within seconds, while health and another school keep answering', async () => {
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
    const rss = process.memoryUsage().rss;
    let peak = rss;
    const files = [
      spreadsheetBomb(300),
      spreadsheetBomb(300),
      spreadsheetBomb(300),
      spreadsheetBomb(300, true),
      spreadsheetBomb(300, true),
    ];
    files.push(spreadsheetBomb(300, true));
    let attacking = true;
    const refusals = Promise.all(
      files.map(async (f, i) => {
        const t = performance.now();
        const r = await preview(admin, `bomb${i}.xlsx`, f);
        return { status: r.status, code: r.body.code as string, ms: performance.now() - t };
      }),
    ).finally(() => (attacking = false));
    const health: number[] = [];
    let otherSchool = 0;
    while (attacking && health.length < 2000) {
      const t = performance.now();
      const res = await fetch(`${base}/api/health`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      health.push(performance.now() - t);
      if ((await other.client.get('/api/students')).status === 200) otherSchool++;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    // Another school's import is read beside them: one school holds at most one of the two readers.
    const t = performance.now();
    const staff = await other.client.post('/api/imports/staff/preview', {
      fileName: 'staff.csv',
      contentBase64: b64('staff_code,name_en,status\nT01,Chan Tai Man,serving\n'),
    });
    expect(staff.status).toBe(200);
    expect(staff.body).toMatchObject({ rows: 1, issues: [] });
    expect(performance.now() - t).toBeLessThan(10_000);
    const answers = await refusals;
    for (const a of answers) {
      expect(a.status).toBe(413);
      expect(a.code).toBe('spreadsheet_too_large');
      // Under the reader's 30 s limit, so the refusal is the size check's; 15.6 s was seen on a loaded machine.
      expect(a.ms).toBeLessThan(25_000);
    }
    expect(health.length).toBeGreaterThan(0);
    expect(otherSchool).toBe(health.length);
    // "Keeps answering", loosely: before, three such files held the server silent for minutes.
    expect(Math.max(...health)).toBeLessThan(2000);
    expect(peak - rss).toBeLessThan(200 * 1024 * 1024);
  });

  it('reads three files of one school one after another, and asks a fourth sent meanwhile to come back later', async () => {
    const liar = spreadsheetBomb(300, true);
    const answers = await Promise.all([1, 2, 3, 4].map(() => preview(other, 'liar.xlsx', liar)));
    expect(answers.map((a) => `${a.status} ${a.body.code}`).sort()).toEqual([
      '413 spreadsheet_too_large',
      '413 spreadsheet_too_large',
      '413 spreadsheet_too_large',
      '503 import_busy',
    ]);
  });

  it('reads a file past 5,000 rows only as far as row 5,001, CSV and XLSX alike', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => line(i + 1));
    const csv = await preview(admin, 'long.csv', Buffer.from([HEAD, ...rows].join('\n')));
    expect(csv.status).toBe(200);
    expect(csv.body.rows).toBe(5001);
    expect(csv.body.issues).toEqual([expect.objectContaining({ code: 'too_many_rows' })]);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('students');
    ws.addRow(HEAD.split(','));
    for (const r of rows) ws.addRow(r.split(','));
    const xlsx = await preview(admin, 'long.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(xlsx.status).toBe(200);
    expect(xlsx.body.rows).toBe(5001);
    expect(xlsx.body.issues).toEqual([expect.objectContaining({ code: 'too_many_rows' })]);
  });

  it('reads the first tab of an XLSX, with dates as dates and blank rows skipped, and commits it', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('students');
    ws.addRow(HEAD.split(','));
    const cells: (string | Date)[] = line(1).split(',');
    cells[5] = new Date(Date.UTC(2014, 1, 3));
    ws.addRow(cells);
    ws.addRow([]);
    ws.addRow(line(2).split(','));
    wb.addWorksheet('notes').addRow(['not', 'read']);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await admin.client.post('/api/imports/students/commit', { fileName: 'students.xlsx', contentBase64: b64(file) });
    expect(r.body, JSON.stringify(r.body)).toMatchObject({ committed: true, rows: 2, create: 2, issues: [] });
    const students = (await admin.client.get('/api/students')).body.students as { nameZh: string; dateOfBirth?: string }[];
    expect(students.map((x) => x.nameZh).sort()).toEqual(['學生1', '學生2']);
  });
});
