import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck, strnWithCheck } from '../../src/server/modules/school/identity.js';
import {
  type Client,
  type SetupSchool,
  type TestServer,
  createUser,
  firstSignIn,
  setupSchool,
  signInAgain,
  startTestServer,
} from '../helpers/server.js';

/** Data exchange end to end (memo O1, O2): authority → school → return → receipt, with deadlines. */
let s: TestServer;
let edb: SetupSchool;
let school: SetupSchool;
let other: SetupSchool;
let checker: Client;
let teacher: Client;
const ids: Record<string, string> = {};
const DAY = 86_400_000;

const student = (n: number, extra: Record<string, unknown> = {}) => ({
  regNo: `R${String(n).padStart(5, '0')}`,
  strn: strnWithCheck('S', String(300000 + n)),
  nameZh: `李小文${n}`,
  nameEn: `Lee Siu Man ${n}`,
  sex: n % 2 ? 'M' : 'F',
  dateOfBirth: '2013-05-06',
  idType: 'hkid',
  idNumber: hkidWithCheck('B', String(400000 + n)),
  entryDate: '2026-09-01',
  ...extra,
});

const headcount = (extra: Record<string, unknown> = {}) => ({
  category: 'headcount',
  subjectCode: 'SHC',
  typeCode: 'SURVEY',
  priority: 'high',
  titleZh: '學生人數統計',
  titleEn: 'Student headcount',
  bodyZh: '請於限期前提交。',
  bodyEn: 'Please submit before the deadline.',
  referenceDate: '2026-11-15',
  deadline: new Date(s.clock.now().getTime() + 20 * DAY).toISOString(),
  audience: { levels: ['secondary'], schoolIds: [] },
  attachments: [{ name: 'parameters.csv', contentBase64: Buffer.from('level,from\nS1,2026-09-01\n').toString('base64') }],
  template: { kind: 'headcount', rules: ['required students.strn', 'unique students.strn', 'oneof students.repeater Y,N'] },
  ...extra,
});

async function notices(schoolId: string, kind: string): Promise<number> {
  const [r] = await s.db.system((q) =>
    q.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE school_id = $1 AND kind = $2', [schoolId, kind]),
  );
  return r?.n ?? 0;
}

beforeAll(async () => {
  s = await startTestServer();
  school = await setupSchool(s, 1);
  other = await setupSchool(s, 2);
  edb = await setupSchool(s, 3, 'EDB');
  const c = school.client;
  ids.year = (await c.post('/api/school/years', { startYear: 2026 })).body.id;
  ids.s1 = (
    await c.post('/api/school/classes', { yearId: ids.year, code: '1A', level: 'S1', nameZh: '一甲', nameEn: 'One A', teacherIds: [] })
  ).body.id;
  ids.s5 = (
    await c.post('/api/school/classes', { yearId: ids.year, code: '5A', level: 'S5', nameZh: '五甲', nameEn: 'Five A', teacherIds: [] })
  ).body.id;
  for (let n = 1; n <= 3; n++) expect((await c.post('/api/students', student(n, { classId: ids.s1, classNumber: n }))).status).toBe(201);
  const noStrn = await c.post('/api/students', student(4, { strn: undefined, classId: ids.s1, classNumber: 4 }));
  expect(noStrn.status).toBe(201);
  ids.noStrn = noStrn.body.id;
  for (let n = 5; n <= 6; n++) expect((await c.post('/api/students', student(n, { classId: ids.s5, classNumber: n }))).status).toBe(201);
  const p = await createUser(s, c, 'principal1', ['principal']);
  ids.principal = p.id;
  checker = await firstSignIn(s, 'principal1', p.password, '10.1.0.9', school.code);
  const t = await createUser(s, c, 'teacher1', ['teacher']);
  teacher = await firstSignIn(s, 'teacher1', t.password, '10.1.0.8', school.code);
  const o = await createUser(s, c, 'office1', ['office_staff']);
  ids.office = o.id;
});
afterAll(() => s?.close());

describe('the authority side', () => {
  it('is an organisation of its own: its administrator publishes, a school administrator cannot', async () => {
    const me = await edb.client.get('/api/auth/me');
    expect(me.body.permissions).toEqual(expect.arrayContaining(['authority.publish', 'authority.read', 'users.manage']));
    expect(me.body.permissions).not.toContain('students.read');
    // Each kind of organisation's role editor offers only its own permissions.
    const keys = async (c: Client) => ((await c.get('/api/admin/permissions')).body.permissions as { key: string }[]).map((p) => p.key);
    expect(await keys(edb.client)).toEqual(expect.arrayContaining(['authority.publish', 'users.manage']));
    expect(await keys(edb.client)).not.toContain('exchange.read');
    expect((await keys(school.client)).filter((k) => k.startsWith('authority.'))).toEqual([]);
    expect((await school.client.post('/api/authority/messages', headcount())).status).toBe(403);
    const list = (await edb.client.get('/api/authority/schools')).body.schools as { id: string; levels: string[] }[];
    expect(list.map((x) => x.id).sort()).toEqual([school.schoolId, other.schoolId].sort());
    expect(list.find((x) => x.id === school.schoolId)?.levels).toEqual(['secondary']);
  });

  it('refuses a past deadline, rules that do not parse, and an empty audience, writing nothing', async () => {
    const past = await edb.client.post(
      '/api/authority/messages',
      headcount({ deadline: new Date(s.clock.now().getTime() - 1000).toISOString() }),
    );
    expect(past.status).toBe(400);
    expect(past.body.code).toBe('deadline_past');
    const bad = await edb.client.post(
      '/api/authority/messages',
      headcount({
        template: {
          kind: 'headcount',
          rules: ['required students.strn', 'must students.strn', 'match students.nope ^x$', 'match students.strn ([a-'],
        },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('template_invalid');
    expect(bad.body.errors).toEqual([
      { path: 'template.rules.1', code: 'syntax' },
      { path: 'template.rules.2', code: 'unknown_column' },
      { path: 'template.rules.3', code: 'bad_regex' },
    ]);
    // A pattern that can backtrack without end would stall every school's checks: refused when published.
    const slow = await edb.client.post(
      '/api/authority/messages',
      headcount({ template: { kind: 'headcount', rules: ['match students.nameEn ^(\\w+\\s?)*$'] } }),
    );
    expect(slow.body.errors).toEqual([{ path: 'template.rules.0', code: 'unsafe_regex' }]);
    const none = await edb.client.post('/api/authority/messages', headcount({ audience: { levels: ['primary'], schoolIds: [] } }));
    expect(none.body.code).toBe('audience_empty');
    const [n] = await s.db.system((q) =>
      q.query<{ n: number }>('SELECT (SELECT count(*) FROM exchange_messages) + (SELECT count(*) FROM exchange_deliveries) AS n'),
    );
    expect(Number(n?.n)).toBe(0);
  });
});

describe('procedures (memo O1)', () => {
  it('names an owner, a backup and a checker per category, and the check follows', async () => {
    const before = (await school.client.get('/api/dashboard')).body;
    const check = (b: { checks: { key: string; status: string }[] }) => b.checks.find((x) => x.key === 'memo.O1.procedures')?.status;
    expect(check(before)).toBe('attention');
    // A checker must hold exchange.approve; the office clerk does not.
    const wrong = await school.client.put('/api/exchange/procedures/headcount', {
      ownerId: school.adminId,
      backupId: ids.office,
      checkerId: ids.office,
      leadDays: 5,
      notes: null,
    });
    expect([wrong.status, wrong.body.code]).toEqual([400, 'person_lacks_right']);
    // Owner, backup and checker are three people: the backup may not also be the checker.
    const twice = await school.client.put('/api/exchange/procedures/headcount', {
      ownerId: ids.office,
      backupId: ids.principal,
      checkerId: ids.principal,
      leadDays: 5,
      notes: null,
    });
    expect(twice.body.code).toBe('person_lacks_right'); // the principal cannot prepare
    const same = await school.client.put('/api/exchange/procedures/headcount', {
      ownerId: school.adminId,
      backupId: ids.office,
      checkerId: school.adminId,
      leadDays: 5,
      notes: null,
    });
    expect([same.status, same.body.code]).toEqual([400, 'same_person_twice']);
    for (const cat of ['headcount', 'enrolment', 'class_subject', 'place_allocation', 'exam_registration', 'general']) {
      const r = await school.client.put(`/api/exchange/procedures/${cat}`, {
        ownerId: school.adminId,
        backupId: ids.office,
        checkerId: ids.principal,
        leadDays: 5,
        notes: 'SEO prepares; principal checks',
      });
      expect(r.status).toBe(204);
    }
    expect((await school.client.post('/api/exchange/procedures/review', {})).status).toBe(204);
    expect(check((await school.client.get('/api/dashboard')).body)).toBe('ok');
  });
});

describe('a headcount survey, end to end', () => {
  it('publishes to the secondary schools: the school sees the header, the content stays encrypted', async () => {
    const r = await edb.client.post('/api/authority/messages', headcount());
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.recipients).toBe(1);
    expect(r.body.refNo).toMatch(/^EDB-2026-0001$/);
    ids.message = r.body.id;
    const inbox = await school.client.get('/api/exchange/inbox');
    expect(inbox.body.locked).toBe(1);
    const item = inbox.body.items[0];
    ids.delivery = item.id;
    expect(item).toMatchObject({
      refNo: 'EDB-2026-0001',
      state: 'encrypted',
      status: 'assigned',
      owner: { id: school.adminId },
      checker: { id: ids.principal },
      hasTemplate: true,
    });
    // Internal due = deadline − the procedure's 5 days lead time.
    expect(new Date(item.deadline).getTime() - new Date(item.internalDue).getTime()).toBe(5 * DAY);
    const detail = await school.client.get(`/api/exchange/inbox/${ids.delivery}`);
    expect(detail.body.content).toBeNull();
    expect((await school.client.post(`/api/exchange/inbox/${ids.delivery}/returns`, {})).body.code).toBe('content_locked');
    // Nothing of the content is stored in the clear on the school's side.
    const [raw] = await s.db.system((q) =>
      q.query<{ envelope: unknown }>('SELECT envelope FROM exchange_deliveries WHERE id = $1', [ids.delivery]),
    );
    expect(JSON.stringify(raw)).not.toContain('Please submit');
  });

  it('a teacher without the exchange permission sees nothing', async () => {
    expect((await teacher.get('/api/exchange/inbox')).status).toBe(403);
    expect((await teacher.get(`/api/exchange/inbox/${ids.delivery}`)).status).toBe(403);
    // Another school sees none of it either.
    expect((await other.client.get('/api/exchange/inbox')).body.items).toEqual([]);
    expect((await other.client.get(`/api/exchange/inbox/${ids.delivery}`)).status).toBe(404);
  });

  it('refuses the wrong school key, counts it, and rate-limits like a password', async () => {
    const wrong = [...school.words].reverse();
    const r = await school.client.post('/api/exchange/unlock', { words: wrong });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('school_key_wrong');
    // Another school's key is just as wrong.
    expect((await school.client.post('/api/exchange/unlock', { words: other.words })).body.code).toBe('school_key_wrong');
    const [a] = await s.db.system((q) =>
      q.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE chain_id = $1 AND action = 'exchange.key_failed'`, [
        school.schoolId,
      ]),
    );
    expect(a?.n).toBe(2);
    expect((await school.client.get('/api/exchange/inbox')).body.locked).toBe(1);
  });

  it('unlocks with the school key and imports the content', async () => {
    const r = await school.client.post('/api/exchange/unlock', { words: school.words });
    expect(r.body).toEqual({ imported: 1, failed: 0 });
    const d = await school.client.get(`/api/exchange/inbox/${ids.delivery}`);
    expect(d.body.state).toBe('imported');
    expect(d.body.content.bodyEn).toBe('Please submit before the deadline.');
    expect(d.body.content.attachments).toEqual([{ name: 'parameters.csv', size: 25 }]);
    expect(d.body.events.map((e: { event: string }) => e.event)).toEqual(['delivered', 'opened', 'decrypted', 'imported']);
    const f = await school.client.get(`/api/exchange/inbox/${ids.delivery}/attachments/0`);
    expect(f.body).toBe('level,from\nS1,2026-09-01\n');
    expect(f.headers['content-disposition']).toBe(`attachment; filename="parameters.csv"; filename*=UTF-8''parameters.csv`);
  });

  it('generates the headcount from the records; a missing STRN is listed and blocks approval', async () => {
    const g = await school.client.post(`/api/exchange/inbox/${ids.delivery}/returns`, {});
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    ids.return = g.body.id;
    const r = (await school.client.get(`/api/exchange/returns/${ids.return}`)).body;
    expect(r.state).toBe('draft');
    const rows = r.files[0].rows as Record<string, string>[];
    expect(rows.map((x) => `${x.classCode}-${x.classNumber}`)).toEqual(['1A-1', '1A-2', '1A-3', '1A-4']);
    expect(r.summary).toMatchObject({ S1: 4, S5: 2, S6: 0, repeaters: 0 });
    expect(r.problems).toEqual([{ file: 'students', row: 4, column: 'strn', value: '', rule: 'required students.strn' }]);
    const ready = await school.client.post(`/api/exchange/returns/${ids.return}/ready`, {});
    expect(ready.status).toBe(422);
    expect(ready.body.code).toBe('return_invalid');
    expect(ready.body.errors).toEqual([{ path: 'students:4:strn', code: 'required students.strn' }]);
    expect((await school.client.get(`/api/exchange/returns/${ids.return}`)).body.state).toBe('draft');
    // The authority sees the school preparing.
    const p = (await edb.client.get(`/api/authority/messages/${ids.message}`)).body;
    expect(p.schools[0]).toMatchObject({ state: 'preparing', late: false });
  });

  it('the owner corrects the row, the checker sends it back once, then approves with the school key', async () => {
    const r = (await school.client.get(`/api/exchange/returns/${ids.return}`)).body;
    const rows = r.files[0].rows.map((x: Record<string, string>, i: number) =>
      i === 3 ? { ...x, strn: strnWithCheck('S', '300004') } : x,
    );
    expect(
      (await school.client.put(`/api/exchange/returns/${ids.return}/rows`, { files: [{ name: 'students', rows }], version: r.version }))
        .status,
    ).toBe(204);
    // Unknown columns are refused.
    const bad = await school.client.put(`/api/exchange/returns/${ids.return}/rows`, {
      files: [{ name: 'students', rows: [{ hkid: 'x' }] }],
      version: r.version + 1,
    });
    expect(bad.body.errors).toEqual([{ path: 'files.0.rows.0.hkid', code: 'unknown_column' }]);
    expect((await school.client.post(`/api/exchange/returns/${ids.return}/ready`, {})).status).toBe(204);
    // Only the named checker approves: the owner cannot approve their own return, nor make themselves its checker.
    const own = await school.client.post(`/api/exchange/returns/${ids.return}/approve`, { words: school.words, version: r.version + 1 });
    expect(own.body.code).toBe('not_checker');
    const self = await school.client.put(`/api/exchange/inbox/${ids.delivery}/assign`, {
      ownerId: school.adminId,
      backupId: ids.office,
      checkerId: school.adminId,
    });
    expect(self.body.code).toBe('same_person_twice');
    expect((await checker.post(`/api/exchange/returns/${ids.return}/reject`, { reason: 'Check 1A-4 with the class teacher' })).status).toBe(
      204,
    );
    expect(await notices(school.schoolId, 'exchange.rejected')).toBe(2);
    expect((await school.client.post(`/api/exchange/returns/${ids.return}/ready`, {})).status).toBe(204);
    const v = (await checker.get(`/api/exchange/returns/${ids.return}`)).body.version;
    const wrongKey = await checker.post(`/api/exchange/returns/${ids.return}/approve`, { words: other.words, version: v });
    expect(wrongKey.body.code).toBe('school_key_wrong');
    expect((await checker.get(`/api/exchange/returns/${ids.return}`)).body.state).toBe('ready');
    const ok = await checker.post(`/api/exchange/returns/${ids.return}/approve`, { words: school.words, version: v });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.state).toBe('received');
    expect(ok.body.receiptHash).toBe(ok.body.packageHash);
    expect(ok.body.history.map((e: { event: string }) => e.event)).toEqual([
      'return_generated',
      'return_edited',
      'return_ready',
      'return_rejected',
      'return_ready',
      'return_processing',
      'return_sent',
      'return_received',
    ]);
    const task = (await school.client.get(`/api/exchange/inbox/${ids.delivery}`)).body;
    expect(task.status).toBe('done');
    // The authority's intake and the receipt are the system's doing, and audited as the system's.
    const audited = await s.db.system((q) =>
      q.query<{ action: string; actor_id: string | null; actor_name: string | null }>(
        `SELECT action, actor_id, actor_name FROM audit_log WHERE chain_id = ANY($1) AND action IN ('exchange.package_received', 'exchange.receipt_recorded')`,
        [[school.schoolId, edb.schoolId]],
      ),
    );
    expect(audited).toContainEqual({ action: 'exchange.package_received', actor_id: null, actor_name: 'system:exchange.intake' });
    expect(audited).toContainEqual({ action: 'exchange.receipt_recorded', actor_id: null, actor_name: 'system:exchange.receipts' });
  });

  it('the authority sees the receipt, verifies the package and opens it with its own key', async () => {
    const p = (await edb.client.get(`/api/authority/messages/${ids.message}`)).body;
    expect(p.message.counts).toMatchObject({ recipients: 1, submitted: 1, received: 1, late: 0 });
    expect(p.schools[0].state).toBe('received');
    ids.package = p.schools[0].packageId;
    const pkg = (await edb.client.get(`/api/authority/packages/${ids.package}`)).body;
    expect(pkg.manifest.map((m: { name: string }) => m.name)).toEqual(['students.csv', 'return.json']);
    expect(pkg.packageHash).toBe(p.schools[0].receiptHash);
    expect(JSON.stringify(pkg)).not.toContain('Lee Siu Man');
    const v = await edb.client.post('/api/authority/packages/verify', { package: pkg });
    expect(v.body).toEqual({ valid: true, schoolNumber: '500001', packageHash: pkg.packageHash, refNo: 'EDB-2026-0001', amendment: 0 });
    // A package altered after signing is refused, and one signed with another key too.
    const tampered = {
      ...pkg,
      manifest: pkg.manifest.map((m: { bytes: number }, i: number) => (i === 0 ? { ...m, bytes: m.bytes + 1 } : m)),
    };
    expect((await edb.client.post('/api/authority/packages/verify', { package: tampered })).body.code).toBe('package_tampered');
    const forged = { ...pkg, header: { ...pkg.header, schoolNumber: '500002' } };
    forged.packageHash = (await import('../../src/server/modules/exchange/service.js')).packageHashOf(forged);
    expect((await edb.client.post('/api/authority/packages/verify', { package: forged })).body.code).toBe('package_wrong_key');
    // The school's key cannot open what was sealed for the authority; the authority's can.
    expect((await edb.client.post(`/api/authority/packages/${ids.package}/open`, { words: school.words })).body.code).toBe(
      'school_key_wrong',
    );
    const opened = await edb.client.post(`/api/authority/packages/${ids.package}/open`, { words: edb.words });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body.manifestOk).toBe(true);
    expect(opened.body.files[0].rows[3].strn).toBe(strnWithCheck('S', '300004'));
  });

  it('a second submission after the receipt needs an explicit amendment', async () => {
    const again = await school.client.post(`/api/exchange/inbox/${ids.delivery}/returns`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_received');
    const a = await school.client.post(`/api/exchange/inbox/${ids.delivery}/amend`, {});
    expect(a.status).toBe(201);
    const r = (await school.client.get(`/api/exchange/returns/${a.body.id}`)).body;
    expect(r).toMatchObject({ amendment: 1, state: 'draft' });
    expect((await school.client.post(`/api/exchange/returns/${a.body.id}/ready`, {})).status).toBe(204);
    const sent = await checker.post(`/api/exchange/returns/${a.body.id}/approve`, { words: school.words, version: r.version });
    expect(sent.body.state).toBe('received');
    const pkgs = await s.db.system((q) =>
      q.query<{ amendment: number; state: string }>('SELECT amendment, state FROM exchange_packages ORDER BY amendment'),
    );
    expect(pkgs).toEqual([
      { amendment: 0, state: 'received' },
      { amendment: 1, state: 'received' },
    ]);
  });

  it('a package the authority refuses comes back as send_failed, and goes again as a second attempt', async () => {
    const r = await edb.client.post(
      '/api/authority/messages',
      headcount({
        category: 'place_allocation',
        referenceDate: '2026-11-15',
        titleEn: 'Place allocation return',
        audience: { levels: [], schoolIds: [school.schoolId] },
        template: { kind: 'manual', columns: ['choice'], rules: [] },
      }),
    );
    await school.client.post('/api/exchange/unlock', { words: school.words });
    const item = (await school.client.get(`/api/exchange/inbox?q=${r.body.refNo}`)).body.items[0];
    const ret = (await school.client.post(`/api/exchange/inbox/${item.id}/returns`, {})).body.id;
    expect((await school.client.post(`/api/exchange/returns/${ret}/ready`, {})).status).toBe(204);
    // The platform's copy of the school's signing key no longer matches (as after a key change): the signature fails at intake.
    // The authority verifies with the key version in force when the package was signed (school_key_versions).
    const [k] = await s.db.system((q) =>
      q.query<{ sign_public: Buffer }>('SELECT sign_public FROM school_key_versions WHERE school_id = $1 AND retired_at IS NULL', [
        school.schoolId,
      ]),
    );
    const setSignPublic = (key: Buffer | undefined) =>
      s.db.system((q) =>
        q.query('UPDATE school_key_versions SET sign_public = $2 WHERE school_id = $1 AND retired_at IS NULL', [school.schoolId, key]),
      );
    await setSignPublic(Buffer.alloc(32, 7));
    const v1 = (await checker.get(`/api/exchange/returns/${ret}`)).body.version;
    const failed = await checker.post(`/api/exchange/returns/${ret}/approve`, { words: school.words, version: v1 });
    expect(failed.body).toMatchObject({ state: 'send_failed', failure: 'package_wrong_key' });
    expect((await edb.client.get(`/api/authority/messages/${r.body.id}`)).body.schools[0]).toMatchObject({
      state: 'preparing',
      receiptHash: null,
    });
    await setSignPublic(k?.sign_public);
    expect((await school.client.post(`/api/exchange/returns/${ret}/ready`, {})).status).toBe(204);
    const v2 = (await checker.get(`/api/exchange/returns/${ret}`)).body.version;
    const ok = await checker.post(`/api/exchange/returns/${ret}/approve`, { words: school.words, version: v2 });
    expect(ok.body.state, JSON.stringify(ok.body)).toBe('received');
    const pk = await s.db.system((q) =>
      q.query<{ attempt: number; state: string }>('SELECT attempt, state FROM exchange_packages WHERE return_id = $1 ORDER BY attempt', [
        ret,
      ]),
    );
    expect(pk).toEqual([
      { attempt: 1, state: 'refused' },
      { attempt: 2, state: 'received' },
    ]);
  });

  it('another school can neither see nor touch any of it', async () => {
    const o = other.client;
    expect((await o.get(`/api/exchange/returns/${ids.return}`)).status).toBe(404);
    expect((await o.get(`/api/exchange/returns/${ids.return}/package`)).status).toBe(404);
    expect(
      (await o.put(`/api/exchange/inbox/${ids.delivery}/assign`, { ownerId: other.adminId, backupId: null, checkerId: null })).status,
    ).toBe(404);
    expect((await o.post(`/api/exchange/inbox/${ids.delivery}/returns`, {})).status).toBe(404);
    expect((await o.post(`/api/exchange/returns/${ids.return}/approve`, { words: other.words, version: 1 })).status).toBe(404);
    expect((await o.get(`/api/exchange/inbox/${ids.delivery}/attachments/0`)).status).toBe(404);
    expect((await o.get(`/api/authority/messages/${ids.message}`)).status).toBe(403);
  });

  it('a message damaged in transit is marked decrypt_failed with the reason, and nothing of it is imported', async () => {
    const r = await edb.client.post(
      '/api/authority/messages',
      headcount({
        category: 'general',
        template: undefined,
        titleEn: 'Damaged notice',
        audience: { levels: [], schoolIds: [school.schoolId] },
      }),
    );
    const [d] = await s.db.system((q) => q.query<{ id: string }>('SELECT id FROM exchange_deliveries WHERE message_id = $1', [r.body.id]));
    // The school's wrapped data key is damaged (the content itself is stored once for all recipients).
    await s.db.system((q) =>
      q.query(
        `UPDATE exchange_deliveries SET envelope = jsonb_set(envelope, '{key}', to_jsonb(regexp_replace(envelope->>'key', '.$', CASE WHEN right(envelope->>'key', 1) = 'A' THEN 'B' ELSE 'A' END))) WHERE id = $1`,
        [d?.id],
      ),
    );
    expect((await school.client.post('/api/exchange/unlock', { words: school.words })).body).toEqual({ imported: 0, failed: 1 });
    const detail = (await school.client.get(`/api/exchange/inbox/${d?.id}`)).body;
    expect(detail).toMatchObject({ state: 'decrypt_failed', failure: 'corrupt', content: null });
    expect(detail.events.map((e: { event: string }) => e.event)).toContain('decrypt_failed');
    // Only an unreadable message can be closed by hand (here it is not closed: the authority sends it again).
    expect((await school.client.post(`/api/exchange/inbox/${ids.delivery}/close`, { reason: 'test' })).body.code).toBe('return_state');
    // The authority sees which school could not read it and sends it again, sealed afresh.
    const p = (await edb.client.get(`/api/authority/messages/${r.body.id}`)).body.schools[0];
    expect(p).toMatchObject({ incomingState: 'decrypt_failed', failure: 'corrupt' });
    expect((await edb.client.post(`/api/authority/messages/${r.body.id}/resend`, {})).body).toEqual({ resent: 1 });
    expect((await edb.client.post(`/api/authority/messages/${r.body.id}/resend`, {})).body).toEqual({ resent: 0 });
    expect((await school.client.post('/api/exchange/unlock', { words: school.words })).body).toEqual({ imported: 1, failed: 0 });
    expect((await school.client.post(`/api/exchange/inbox/${d?.id}/done`, {})).status).toBe(204);
    // A second damaged message the school gives up on: whoever manages the exchange closes it with the reason.
    const r2 = await edb.client.post(
      '/api/authority/messages',
      headcount({
        category: 'general',
        template: undefined,
        titleEn: 'Second damaged notice',
        audience: { levels: [], schoolIds: [school.schoolId] },
      }),
    );
    const [d2] = await s.db.system((q) =>
      q.query<{ id: string }>('SELECT id FROM exchange_deliveries WHERE message_id = $1', [r2.body.id]),
    );
    await s.db.system((q) =>
      q.query(`UPDATE exchange_deliveries SET envelope = jsonb_set(envelope, '{key}', '"v1.AAAA.AAAA"') WHERE id = $1`, [d2?.id]),
    );
    expect((await school.client.post('/api/exchange/unlock', { words: school.words })).body).toEqual({ imported: 0, failed: 1 });
    expect((await teacher.post(`/api/exchange/inbox/${d2?.id}/close`, { reason: 'x' })).status).toBe(403);
    expect((await school.client.post(`/api/exchange/inbox/${d2?.id}/close`, { reason: 'Phoned the bureau: not needed' })).status).toBe(204);
    const closed = (await school.client.get(`/api/exchange/inbox/${d2?.id}`)).body;
    expect(closed.status).toBe('done');
    expect(closed.events.find((e: { event: string }) => e.event === 'closed')).toMatchObject({
      details: { reason: 'Phoned the bureau: not needed' },
    });
  });

  it('keeps a daily exchange log on both sides', async () => {
    const day = new Date(s.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const schoolLog = (await school.client.get(`/api/exchange/log?date=${day}`)).body.entries.map((e: { event: string }) => e.event);
    expect(schoolLog).toEqual(expect.arrayContaining(['delivered', 'imported', 'return_sent', 'return_received', 'amendment_started']));
    const authLog = (await edb.client.get(`/api/authority/log?date=${day}`)).body.entries.map((e: { event: string }) => e.event);
    expect(authLog).toEqual([
      'published',
      'package_received',
      'package_received',
      'published',
      'package_refused',
      'package_received',
      'published',
      'resent',
      'published',
    ]);
  });
});

describe('row-level security on what the school and the authority share', () => {
  it('a school cannot deliver, answer a package or change which side it is on; an authority cannot act for the school', async () => {
    const [dl] = await s.db.system((q) =>
      q.query<{ id: string; message_id: string; content_id: string }>(
        'SELECT id, message_id, content_id FROM exchange_deliveries WHERE id = $1',
        [ids.delivery],
      ),
    );
    await s.db.school(school.schoolId, async (q) => {
      // Deliver a message "from itself" to another school.
      await expect(
        q.query(
          `INSERT INTO exchange_deliveries (school_id, authority_id, authority_code, message_id, school_number, school_name_zh, school_name_en, ref_no, category, subject_code, type_code, priority, title_zh, title_en, deadline, has_template, content_id, envelope, delivered_at)
         VALUES ($1, $2, 'EDB', $3, 'x', 'x', 'x', 'FAKE-1', 'general', 'X', 'X', 'normal', 'x', 'x', now(), false, $4, '{}', now())`,
          [other.schoolId, school.schoolId, dl?.message_id, dl?.content_id],
        ),
      ).rejects.toThrow(/row-level security|permission denied/);
      // Give itself a receipt, or become an authority.
      await expect(
        q.query(`UPDATE exchange_deliveries SET receipt_hash = 'forged', received_at = now() WHERE id = $1`, [ids.delivery]),
      ).rejects.toThrow(/authority's side/);
      await expect(
        q.query(`UPDATE exchange_deliveries SET deadline = now() + interval '1 year' WHERE id = $1`, [ids.delivery]),
      ).rejects.toThrow(/permission denied/);
      await expect(q.query(`UPDATE exchange_packages SET state = 'received' WHERE school_id = $1`, [school.schoolId])).rejects.toThrow(
        /only the authority/,
      );
      await expect(
        q.query(`UPDATE schools SET kind = 'authority', authority_code = 'HKEAA' WHERE id = $1`, [school.schoolId]),
      ).rejects.toThrow(/may not change its kind/);
    });
    await s.db.school(edb.schoolId, async (q) => {
      await expect(
        q.query(`UPDATE exchange_deliveries SET opened_at = now(), submitted_at = now() WHERE id = $1`, [ids.delivery]),
      ).rejects.toThrow(/school's side/);
      // The authority reads the tasks and returns of no school.
      expect(await q.query('SELECT * FROM exchange_tasks')).toEqual([]);
      expect(await q.query('SELECT * FROM exchange_returns')).toEqual([]);
    });
  });
});

describe('survey returns from the records', () => {
  /** Publish a survey to the school, unlock, and generate the draft; returns the return's view. */
  async function survey(category: string, kind: string, referenceDate: string, rules: string[] = []) {
    const r = await edb.client.post(
      '/api/authority/messages',
      headcount({
        category,
        referenceDate,
        titleEn: `${kind.replace('_', ' ')} survey ${referenceDate}`,
        audience: { levels: [], schoolIds: [school.schoolId] },
        template: { kind, rules },
      }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await school.client.post('/api/exchange/unlock', { words: school.words })).body.failed).toBe(0);
    const item = (await school.client.get(`/api/exchange/inbox?q=${encodeURIComponent(r.body.refNo)}`)).body.items[0];
    const g = await school.client.post(`/api/exchange/inbox/${item.id}/returns`, {});
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    return (await school.client.get(`/api/exchange/returns/${g.body.id}`)).body;
  }
  async function send(ret: { id: string }) {
    expect((await school.client.post(`/api/exchange/returns/${ret.id}/ready`, {})).status).toBe(204);
    const v = (await checker.get(`/api/exchange/returns/${ret.id}`)).body.version;
    expect((await checker.post(`/api/exchange/returns/${ret.id}/approve`, { words: school.words, version: v })).body.state).toBe(
      'received',
    );
  }
  const file = (r: { files: { name: string; rows: Record<string, string>[] }[] }, name: string) =>
    r.files.find((f) => f.name === name)?.rows ?? [];

  it('enrolment survey: the roll by level, then forms A (left), B (new with STRN), C (new without) and D (amended) against the last roll sent', async () => {
    const first = await survey('enrolment', 'enrolment', '2026-11-15', ['required roll.nameEn', 'oneof roll.sex M,F']);
    expect(file(first, 'roll')).toHaveLength(6);
    expect(first.summary).toMatchObject({ total: 6, S1: 4, S5: 2, formA: 0, formB: 0, formC: 0, formD: 0 });
    await send(first);
    // Changes after the return: one leaves, two join (one without an STRN), one's name is corrected.
    const list = (await school.client.get('/api/students?limit=50')).body.students as { id: string; regNo: string }[];
    const byReg = (reg: string) => list.find((x) => x.regNo === reg)?.id ?? '';
    const edit = async (id: string, change: Record<string, unknown>) => {
      const cur = (await school.client.get(`/api/students/${id}`)).body;
      const body = {
        regNo: cur.regNo,
        strn: cur.strn ?? undefined,
        nameZh: cur.nameZh ?? undefined,
        nameEn: cur.nameEn,
        sex: cur.sex,
        dateOfBirth: cur.dateOfBirth,
        idType: cur.idType,
        entryDate: cur.entryDate,
        status: cur.status,
        version: cur.version,
        ...change,
      };
      const r = await school.client.put(`/api/students/${id}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(204);
    };
    await edit(byReg('R00002'), { status: 'left', leaveDate: '2026-11-02', leaveReason: 'Emigrated' });
    await edit(byReg('R00003'), { nameEn: 'Lee Siu Man Three' });
    expect(
      (await school.client.post('/api/students', student(7, { entryDate: '2026-11-02', classId: ids.s1, classNumber: 7 }))).status,
    ).toBe(201);
    expect(
      (await school.client.post('/api/students', student(8, { strn: undefined, entryDate: '2026-11-02', classId: ids.s1, classNumber: 8 })))
        .status,
    ).toBe(201);
    const second = await survey('enrolment', 'enrolment', '2026-11-20', ['required formB.strn']);
    expect(file(second, 'formA').map((r) => `${r.regNo} ${r.leaveReason}`)).toEqual(['R00002 Emigrated']);
    expect(file(second, 'formB').map((r) => r.regNo)).toEqual(['R00007']);
    expect(file(second, 'formC').map((r) => r.regNo)).toEqual(['R00008']);
    expect(file(second, 'formD')).toEqual([
      { strn: strnWithCheck('S', '300003'), regNo: 'R00003', field: 'nameEn', before: 'Lee Siu Man 3', after: 'Lee Siu Man Three' },
    ]);
    expect(second.summary).toMatchObject({ total: 7, S1: 5, S5: 2, formA: 1, formB: 1, formC: 1, formD: 1 });
    expect(second.problems).toEqual([]);
    await send(second);
    // An amendment regenerated from the records still counts changes from the earlier survey, not from its own first submission.
    const amend = await school.client.post(`/api/exchange/inbox/${second.deliveryId}/amend`, {});
    const again = await school.client.post(`/api/exchange/inbox/${second.deliveryId}/returns`, {});
    expect(again.body.id).toBe(amend.body.id);
    const regenerated = (await school.client.get(`/api/exchange/returns/${amend.body.id}`)).body;
    expect(regenerated.summary).toMatchObject({ formA: 1, formB: 1, formC: 1, formD: 1 });
    expect((await school.client.post(`/api/exchange/returns/${amend.body.id}/ready`, {})).status).toBe(204);
    const va = (await checker.get(`/api/exchange/returns/${amend.body.id}`)).body.version;
    expect((await checker.post(`/api/exchange/returns/${amend.body.id}/approve`, { words: school.words, version: va })).body.state).toBe(
      'received',
    );
  });

  it('class and subject data: classes with teachers and class subjects with their medium; periods left for the school to fill in', async () => {
    const c = school.client;
    const t = (await c.post('/api/staff', { staffCode: 'T09', nameEn: 'Ho Wing Sze', status: 'serving' })).body.id;
    const subj = (await c.post('/api/school/subjects', { code: 'ENG', nameZh: '英國語文', nameEn: 'English Language', edbCode: '165' }))
      .body.id;
    expect(
      (await c.post('/api/school/class-subjects', { classId: ids.s1, subjectId: subj, medium: 'english', teacherIds: [t] })).status,
    ).toBe(201);
    const r = await survey('class_subject', 'class_subject', '2026-11-15', [
      'range classSubjects.periods 0 60',
      'required classSubjects.periods',
    ]);
    expect(file(r, 'classes').map((x) => `${x.classCode} ${x.level} ${x.students}`)).toEqual(['1A S1 5', '5A S5 2']);
    expect(file(r, 'classSubjects')).toEqual([
      {
        classCode: '1A',
        subjectCode: 'ENG',
        edbCode: '165',
        subjectNameEn: 'English Language',
        medium: 'english',
        periods: '',
        teachers: 'T09',
      },
    ]);
    expect(r.problems).toEqual([{ file: 'classSubjects', row: 1, column: 'periods', value: '', rule: 'required classSubjects.periods' }]);
    // The school fills in the periods; a value out of range is listed, a good one clears it.
    const put = async (periods: string, version: number) =>
      c.put(`/api/exchange/returns/${r.id}/rows`, {
        files: [{ name: 'classSubjects', rows: [{ ...file(r, 'classSubjects')[0], periods }] }],
        version,
      });
    expect((await put('99', r.version)).status).toBe(204);
    expect((await c.get(`/api/exchange/returns/${r.id}`)).body.problems[0].rule).toBe('range classSubjects.periods 0 60');
    expect((await put('8', r.version + 1)).status).toBe(204);
    expect((await c.get(`/api/exchange/returns/${r.id}`)).body.problems).toEqual([]);
    await send(r);
  });
});

describe('deadlines, reminders and escalation (memo O2)', () => {
  const tick = async () => {
    await s.scheduler.tick(true);
    await s.scheduler.tick(true);
  };

  it('fires each reminder and escalation exactly once as time moves', async () => {
    // A notice to both schools; the other school has no procedure, so it arrives unassigned.
    const start = s.clock.now().getTime();
    const r = await edb.client.post('/api/authority/messages', {
      ...headcount({ category: 'general', template: undefined, titleEn: 'Class survey notice', titleZh: '班級調查通告' }),
      deadline: new Date(start + 12 * DAY).toISOString(),
      audience: { levels: [], schoolIds: [school.schoolId, other.schoolId] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids.notice = r.body.id;
    const mine = (await school.client.get('/api/exchange/inbox?status=assigned')).body.items[0];
    // Owner = admin, backup = office clerk; internal due = 12 − 5 = 7 days from now.
    await tick();
    expect(await notices(school.schoolId, 'exchange.arrived')).toBe(1);
    expect(await notices(school.schoolId, 'exchange.reminder')).toBe(2); // 7 days before: owner and backup
    expect(await notices(other.schoolId, 'exchange.unassigned')).toBe(1); // no procedure there: whoever assigns is told
    s.clock.set(new Date(start + 4 * DAY + 3600_000)); // 3 days before
    await tick();
    expect(await notices(school.schoolId, 'exchange.reminder')).toBe(4);
    // The other school's message sat unassigned for 3 days: its administrator (no principal there) hears of it.
    expect(await notices(other.schoolId, 'exchange.escalation_unassigned')).toBe(1);
    s.clock.set(new Date(start + 6 * DAY + 3600_000)); // 1 day before
    await tick();
    expect(await notices(school.schoolId, 'exchange.reminder')).toBe(6);
    s.clock.set(new Date(start + 7 * DAY + 3600_000)); // past the internal due date
    await tick();
    expect(await notices(school.schoolId, 'exchange.escalation_overdue')).toBe(1); // the principal
    await signInAgain(s, school);
    expect((await school.client.get('/api/dashboard')).body.checks.find((c: { key: string }) => c.key === 'memo.O2.deadlines').status).toBe(
      'overdue',
    );
    s.clock.set(new Date(start + 11 * DAY + 3600_000)); // within 24 hours of the authority deadline, not approved
    await tick();
    expect(await notices(school.schoolId, 'exchange.escalation_unapproved')).toBe(1);
    await signInAgain(s, school);
    await signInAgain(s, edb);
    expect(await notices(school.schoolId, 'exchange.reminder')).toBe(6);
    expect(await notices(school.schoolId, 'exchange.escalation_overdue')).toBe(1);
    // Reminder e-mails went to the outbox once each too (the owner has an address; the backup has none).
    const [m] = await s.db.system((q) =>
      q.query<{ n: number }>(`SELECT count(*)::int AS n FROM mail_outbox WHERE school_id = $1 AND subject LIKE '%' || $2`, [
        school.schoolId,
        mine.refNo,
      ]),
    );
    expect(m?.n).toBe(4);
    // The authority reminds schools that have not answered; the owner hears once.
    const rem = await edb.client.post(`/api/authority/messages/${ids.notice}/remind`, {});
    expect(rem.status, JSON.stringify(rem.body)).toBe(200);
    expect(rem.body.reminded).toBe(2);
    expect((await edb.client.post(`/api/authority/messages/${ids.notice}/remind`, {})).body.reminded).toBe(0);
    await tick();
    expect(await notices(school.schoolId, 'exchange.authority_reminder')).toBe(2);
    // The owner finishes the notice; the check is clear of it.
    await school.client.post('/api/exchange/unlock', { words: school.words });
    expect((await school.client.post(`/api/exchange/inbox/${mine.id}/done`, {})).status).toBe(204);
    const late = (await edb.client.get(`/api/authority/messages/${ids.notice}?late=true`)).body;
    expect(late.total).toBe(0);
  });

  it('after the 5th wrong key in 15 minutes, every try is refused until the window passes', async () => {
    await signInAgain(s, other);
    const o = other.client;
    const wrong = [...other.words].reverse();
    for (let i = 1; i <= 5; i++) expect((await o.post('/api/exchange/unlock', { words: wrong })).body.code).toBe('school_key_wrong');
    const sixth = await o.post('/api/exchange/unlock', { words: wrong });
    expect(sixth.status).toBe(429);
    expect(sixth.body.retryAfter).toBeGreaterThan(0);
    // The security notification list hears of it (nobody listed: the holders of audit.read).
    expect(await notices(other.schoolId, 'security.school_key_locked')).toBe(1);
    // Even the right words wait now.
    expect((await o.post('/api/exchange/unlock', { words: other.words })).status).toBe(429);
    s.clock.advance(15 * 60_000);
    await signInAgain(s, other);
    expect((await other.client.post('/api/exchange/unlock', { words: other.words })).status).toBe(200);
    // Parallel tries are taken one at a time per school: eight at once get five answers and three refusals.
    s.clock.advance(15 * 60_000);
    await signInAgain(s, other);
    const burst = await Promise.all(Array.from({ length: 8 }, () => other.client.post('/api/exchange/unlock', { words: wrong })));
    expect(burst.map((r) => r.status).sort()).toEqual([400, 400, 400, 400, 400, 429, 429, 429]);
  });

  it('gives each person a secret, revocable iCal feed of their deadlines', async () => {
    const pub = await edb.client.post('/api/authority/messages', {
      ...headcount({ category: 'exam_registration', template: undefined, titleEn: 'Exam registration notice', titleZh: '考試報名通告' }),
      deadline: new Date(s.clock.now().getTime() + 30 * DAY).toISOString(),
      audience: { levels: [], schoolIds: [school.schoolId] },
    });
    expect(pub.status).toBe(201);
    const created = await school.client.post('/api/exchange/calendar-feed', {});
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.url).toMatch(/\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const path = new URL(created.body.url).pathname;
    const feed = await s.app.inject({ method: 'GET', url: path });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
    expect(feed.body).toContain('BEGIN:VCALENDAR');
    expect(feed.body).toContain('Exam registration notice');
    expect(feed.body).not.toContain('Class survey notice'); // finished tasks leave the feed
    await school.client.del('/api/exchange/calendar-feed');
    expect((await s.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
  });
});
