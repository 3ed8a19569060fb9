import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REF, regNo, rollFixture, sexOf, strnOf } from '../helpers/roll-fixture.js';
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
 * Returns count one roll (issue 10): 41 students over S1–S6 with every edge around the reference
 * date (roll-fixture.ts), the headcount and Form E asserted row by row and count by count, on-roll
 * students without a class as exceptions that block sending, and a date outside every year refused.
 */
let s: TestServer;
let school: SetupSchool;
let edb: SetupSchool;
let checker: Client;
let fixture: Awaited<ReturnType<typeof rollFixture>>;
const DAY = 86_400_000;

interface ReturnBody {
  id: string;
  version: number;
  state: string;
  referenceDate: string | null;
  files: { name: string; rows: Record<string, string>[] }[];
  summary: Record<string, number>;
  exceptions: { regNo: string; reason: string; placedFrom: string | null; classCode: string | null; explanation: unknown }[];
  problems: { file: string; row: number; column: string; rule: string }[];
}

async function publish(category: string, kind: string, referenceDate: string, rules: string[] = []) {
  const r = await edb.client.post('/api/authority/messages', {
    category,
    subjectCode: 'SES',
    typeCode: 'SURVEY',
    titleZh: `調查 ${referenceDate}`,
    titleEn: `${kind.replace('_', ' ')} survey ${referenceDate}`,
    bodyZh: '請於限期前提交。',
    bodyEn: 'Please submit before the deadline.',
    referenceDate,
    deadline: new Date(s.clock.now().getTime() + 20 * DAY).toISOString(),
    audience: { levels: [], schoolIds: [school.schoolId] },
    template: { kind, rules },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect((await school.client.post('/api/exchange/unlock', { words: school.words })).body.failed).toBe(0);
  const item = (await school.client.get(`/api/exchange/inbox?q=${encodeURIComponent(r.body.refNo)}`)).body.items[0];
  return { deliveryId: item.id as string, messageId: r.body.id as string };
}
async function generate(deliveryId: string): Promise<ReturnBody> {
  const g = await school.client.post(`/api/exchange/inbox/${deliveryId}/returns`, {});
  expect(g.status, JSON.stringify(g.body)).toBe(201);
  return (await school.client.get(`/api/exchange/returns/${g.body.id}`)).body;
}
const rowsOf = (r: ReturnBody, name: string) => r.files.find((f) => f.name === name)?.rows ?? [];

beforeAll(async () => {
  s = await startTestServer();
  school = await setupSchool(s, 1);
  edb = await setupSchool(s, 3, 'EDB');
  const p = await createUser(s, school.client, 'principal1', ['principal']);
  checker = await firstSignIn(s, 'principal1', p.password, '10.1.0.9', school.code);
  const o = await createUser(s, school.client, 'office1', ['office_staff']);
  for (const category of ['headcount', 'enrolment']) {
    const r = await school.client.put(`/api/exchange/procedures/${category}`, {
      ownerId: school.adminId,
      backupId: o.id,
      checkerId: p.id,
      leadDays: 3,
      notes: null,
    });
    expect(r.status).toBe(204);
  }
  fixture = await rollFixture(s.db, school.schoolId);
});
afterAll(() => s?.close());

/** [regNo, level, class, class number, repeater] of every row, as the survey lists them. */
const HEADCOUNT_ROWS = [
  [1, 'S1', '1A', 1, 'N'],
  [2, 'S1', '1A', 2, 'N'],
  [3, 'S1', '1A', 3, 'N'],
  [4, 'S1', '1A', 4, 'N'],
  [6, 'S1', '1A', 6, 'N'],
  [8, 'S1', '1A', 8, 'N'],
  [9, 'S1', '1A', 9, 'N'],
  [10, 'S1', '1A', 10, 'Y'],
  [12, 'S1', '1A', 12, 'N'],
  [11, 'S1', '1B', 1, 'N'],
  [13, 'S1', '1B', 3, 'N'],
  [14, 'S1', '1B', 4, 'N'],
  [15, 'S2', '2A', 1, 'N'],
  [16, 'S2', '2A', 2, 'Y'],
  [17, 'S2', '2A', 3, 'Y'],
  [19, 'S2', '2A', 5, 'N'],
  [22, 'S2', '2A', 7, 'N'],
  [23, 'S3', '3A', 1, 'N'],
  [24, 'S3', '3A', 2, 'Y'],
  [25, 'S3', '3A', 3, 'N'],
  [26, 'S3', '3A', 4, 'N'],
  [28, 'S4', '4A', 1, 'N'],
  [29, 'S4', '4A', 2, 'Y'],
  [30, 'S4', '4A', 3, 'N'],
  [31, 'S4', '4A', 4, 'N'],
] as const;
const SENIOR_ROWS = [
  [32, 'S5', '5A', 1, 'N'],
  [33, 'S5', '5A', 2, 'Y'],
  [34, 'S5', '5A', 3, 'N'],
  [36, 'S6', '6A', 1, 'N'],
  [37, 'S6', '6A', 2, 'N'],
  [39, 'S6', '6A', 4, 'N'],
  [40, 'S6', '6A', 5, 'N'],
] as const;
const NO_STRN = new Set([3, 31]);
const EXCEPTIONS = [
  { regNo: 'R020', reason: 'never_placed', placedFrom: null, classCode: null, explanation: null },
  { regNo: 'R021', reason: 'placed_after', placedFrom: '2026-11-02', classCode: '2A', explanation: null },
];

describe('the headcount on 15 October counts exactly the students on roll that day', () => {
  it('lists every S1–S4 student on roll in the class that covers the day, with a repeater mark; no leaver is listed', async () => {
    const { deliveryId } = await publish('headcount', 'headcount', REF, ['required students.strn', 'oneof students.repeater Y,N']);
    const r = await generate(deliveryId);
    expect(r.referenceDate).toBe(REF);
    expect(rowsOf(r, 'students')).toEqual(
      HEADCOUNT_ROWS.map(([n, level, classCode, classNumber, repeater]) => ({
        strn: NO_STRN.has(n) ? '' : strnOf(n),
        regNo: regNo(n),
        nameEn: `Student ${n}`,
        nameZh: `學生${n}`,
        level,
        classCode,
        classNumber: String(classNumber),
        repeater,
      })),
    );
    expect(r.summary).toEqual({
      S1: 12,
      S2: 5,
      S3: 4,
      S4: 4,
      S5: 3,
      S6: 4,
      repeatersS1: 1,
      repeatersS2: 2,
      repeatersS3: 1,
      repeatersS4: 1,
      repeatersS5: 1,
      repeatersS6: 0,
      repeaters: 6,
      unplaced: 2,
    });
    // The two missing STRNs are the template's problems (rows of R003 and R031).
    expect(r.problems.map((p) => [p.row, p.column])).toEqual([
      [3, 'strn'],
      [25, 'strn'],
    ]);
    // On roll with no class that day: never placed, and placed by an import only after the date.
    expect(r.exceptions).toEqual(EXCEPTIONS.map((e) => expect.objectContaining(e)));
  });

  it('a reference date outside every school year is refused with the reason, and nothing is stored', async () => {
    const { deliveryId } = await publish('headcount', 'headcount', '2027-09-15');
    const g = await school.client.post(`/api/exchange/inbox/${deliveryId}/returns`, {});
    expect([g.status, g.body.code]).toEqual([422, 'reference_date_outside_year']);
    const [row] = await s.db.system((q) =>
      q.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange_returns WHERE delivery_id = $1', [deliveryId]),
    );
    expect(row?.n).toBe(0);
    expect((await school.client.get(`/api/exchange/inbox/${deliveryId}`)).body.returns).toEqual([]);
  });

  it("the classes' student counts follow the same rule, on today's date", async () => {
    // Today is 2 November 2026: 1A has R001–R006 and R010 (R007–R009 have left, R011, R012 and R014 moved to 1B);
    // 2A has R021 (placed from today) but not R018 (marked left); 3A has R025 (leaving in December) but not R027.
    const list = (await school.client.get(`/api/school/classes?yearId=${fixture.yearId}`)).body.classes as {
      code: string;
      studentCount: number;
    }[];
    expect(Object.fromEntries(list.map((c) => [c.code, c.studentCount]))).toEqual({
      '1A': 7,
      '1B': 4,
      '2A': 6,
      '3A': 4,
      '4A': 4,
      '5A': 3,
      '6A': 4,
    });
  });
});

describe('Form E, the enrolment survey at the start of the school year', () => {
  let form: ReturnBody;
  let deliveryId = '';
  let messageId = '';

  it('lists every student on roll with particulars, class, entry date and repeater mark; counts by level, sex and repeaters', async () => {
    ({ deliveryId, messageId } = await publish('enrolment', 'enrolment_start', REF));
    form = await generate(deliveryId);
    const all = [...HEADCOUNT_ROWS, ...SENIOR_ROWS];
    const entry: Record<number, string> = {
      4: REF,
      6: '2026-09-20',
      15: '2025-09-01',
      16: '2024-09-01',
      17: '2024-09-01',
      23: '2024-09-01',
    };
    Object.assign(entry, { 24: '2023-09-01', 29: '2022-09-01', 32: '2022-09-01', 33: '2021-09-01' });
    expect(rowsOf(form, 'formE')).toEqual(
      all.map(([n, level, classCode, classNumber, repeater]) => ({
        strn: NO_STRN.has(n) ? '' : strnOf(n),
        regNo: regNo(n),
        nameEn: `Student ${n}`,
        nameZh: `學生${n}`,
        sex: sexOf(n),
        dateOfBirth: '2012-03-04',
        level,
        classCode,
        classNumber: String(classNumber),
        entryDate: entry[n] ?? '2026-09-01',
        repeater,
      })),
    );
    expect(form.summary).toEqual({
      total: 32,
      repeaters: 6,
      S1: 12,
      boysS1: 5,
      girlsS1: 7,
      repeatersS1: 1,
      classesS1: 2,
      S2: 5,
      boysS2: 3,
      girlsS2: 2,
      repeatersS2: 2,
      classesS2: 1,
      S3: 4,
      boysS3: 2,
      girlsS3: 2,
      repeatersS3: 1,
      classesS3: 1,
      S4: 4,
      boysS4: 2,
      girlsS4: 2,
      repeatersS4: 1,
      classesS4: 1,
      S5: 3,
      boysS5: 1,
      girlsS5: 2,
      repeatersS5: 1,
      classesS5: 1,
      S6: 4,
      boysS6: 2,
      girlsS6: 2,
      classesS6: 1,
      unplaced: 2,
    });
    expect(form.exceptions).toEqual(EXCEPTIONS.map((e) => expect.objectContaining(e)));
    expect(form.problems).toEqual([]);
  });

  it('cannot go for approval while a student on roll has no class and no explanation', async () => {
    const ready = await school.client.post(`/api/exchange/returns/${form.id}/ready`, {});
    expect([ready.status, ready.body.code]).toEqual([422, 'roll_exceptions_open']);
    // An explanation too short is refused, and an unknown student is not found; nothing changes.
    const short = await school.client.post(`/api/exchange/returns/${form.id}/exceptions`, {
      studentId: '00000000-0000-4000-8000-000000000000',
      explanation: 'x',
      version: form.version,
    });
    expect(short.status).toBe(400);
    const [r21] = await s.db.system((q) => q.query<{ id: string }>("SELECT id FROM students WHERE reg_no = 'R021'"));
    const [r20] = await s.db.system((q) => q.query<{ id: string }>("SELECT id FROM students WHERE reg_no = 'R020'"));
    const stale = await school.client.post(`/api/exchange/returns/${form.id}/exceptions`, {
      studentId: r21?.id,
      explanation: 'Class changed after the reference date by the import',
      version: form.version + 5,
    });
    expect([stale.status, stale.body.code]).toEqual([409, 'version_conflict']);
    // R021 explained; R020 placed in 2A from the first day of the year, and the return generated again.
    const explained = await school.client.post(`/api/exchange/returns/${form.id}/exceptions`, {
      studentId: r21?.id,
      explanation: 'In 2A since September; the import dated the placement on 2 November',
      version: form.version,
    });
    expect(explained.status, JSON.stringify(explained.body)).toBe(204);
    expect((await school.client.post(`/api/exchange/returns/${form.id}/ready`, {})).body.code).toBe('roll_exceptions_open');
    const placed = await school.client.post(`/api/students/${r20?.id}/placement`, {
      classId: fixture.classIds['2026/27:2A'],
      classNumber: 8,
      fromDate: '2026-09-01',
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(204);
    const again = await generate(deliveryId);
    expect(again.id).toBe(form.id);
    // R020 (a girl) is now a row of 2A, R021 keeps its explanation.
    expect(
      rowsOf(again, 'formE')
        .filter((x) => x.classCode === '2A')
        .map((x) => x.regNo),
    ).toEqual(['R015', 'R016', 'R017', 'R019', 'R022', 'R020']);
    expect(again.summary).toMatchObject({ total: 33, S2: 6, girlsS2: 3, unplaced: 1 });
    expect(again.exceptions).toEqual([
      expect.objectContaining({
        regNo: 'R021',
        reason: 'placed_after',
        explanation: expect.objectContaining({ text: 'In 2A since September; the import dated the placement on 2 November', by: 'admin1' }),
      }),
    ]);
    const [audited] = await s.db.system((q) =>
      q.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_log WHERE action = 'exchange.roll_exception_explained' AND target = $1",
        [`return:${form.id}`],
      ),
    );
    expect(audited?.n).toBe(1);
    // Now it goes; the checker approves and the Bureau opens the package with the explanation in it.
    expect((await school.client.post(`/api/exchange/returns/${form.id}/ready`, {})).status).toBe(204);
    const v = (await checker.get(`/api/exchange/returns/${form.id}`)).body.version;
    const sent = await checker.post(`/api/exchange/returns/${form.id}/approve`, { words: school.words, version: v });
    expect(sent.body.state, JSON.stringify(sent.body)).toBe('received');
    const progress = (await edb.client.get(`/api/authority/messages/${messageId}`)).body;
    const opened = await edb.client.post(`/api/authority/packages/${progress.schools[0].packageId}/open`, { words: edb.words });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body.referenceDate).toBe(REF);
    expect(opened.body.files[0].rows).toHaveLength(33);
    expect(opened.body.exceptions).toEqual([
      expect.objectContaining({ regNo: 'R021', explanation: expect.objectContaining({ by: 'admin1' }) }),
    ]);
  });
});
