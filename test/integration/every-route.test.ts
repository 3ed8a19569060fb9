import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  Client,
  type SetupSchool,
  type TestServer,
  createUser,
  setupSchool,
  startTestServer,
  totpNow,
} from '../helpers/server.js';
import { snapshot } from '../helpers/snapshot.js';

/**
 * Generated from the route table: every route, as anonymous and as a person with no role.
 * A new route is covered the moment it is registered; a new public route must be added here on purpose.
 */
const PUBLIC_ROUTES = [
  'GET /api/health',
  'GET /api/setup/:token',
  'POST /api/setup',
  'POST /api/setup/key',
  'POST /api/auth/login',
  'GET /api/auth/sign-in-options',
  'GET /api/sso/options',
  'GET /api/sso/start',
  'GET /api/sso/callback',
  'GET /api/calendar/:file',
];

let s: TestServer;
let admin: SetupSchool;
let nobody: Client;
beforeAll(async () => {
  s = await startTestServer();
  admin = await setupSchool(s);
  const u = await createUser(s, admin.client, 'norole01');
  nobody = new Client(s, '10.0.0.77');
  await nobody.post('/api/auth/login', { username: 'norole01', password: u.password });
  await nobody.refreshCsrf();
  const changed = await nobody.post('/api/account/password', { currentPassword: u.password, newPassword: 'a fresh passphrase for me' });
  expect(changed.status).toBe(204);
  await nobody.refreshCsrf();
});
afterAll(() => s?.close());

const apiRoutes = () => s.routes.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'));
const fill = (url: string) =>
  url
    .replace(/:(id|itemId|userId|setId|studentId|batchId)\b/g, () => randomUUID())
    .replace(/:token\b/g, 'x'.repeat(32))
    .replace(/:holderNo\b/g, '1')
    .replace(/:key\b/g, 'memo.U2.sso-policy');
const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

describe('every route', () => {
  it('has exactly the expected public routes', () => {
    expect(
      apiRoutes()
        .filter((r) => r.public)
        .map(key)
        .sort(),
    ).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('answers 401 to anonymous callers on every non-public route', async () => {
    const anon = new Client(s, '10.0.0.88');
    for (const r of apiRoutes().filter((r) => !r.public)) {
      const res = await anon.req(r.method, fill(r.url), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      expect(res.status, key(r)).toBe(401);
    }
  });

  it('answers 403 to a signed-in person with no role on every permission route', async () => {
    const before = await snapshot(s.db);
    const guarded = apiRoutes().filter((r) => r.permission);
    expect(guarded.length).toBeGreaterThan(5);
    for (const r of guarded) {
      const res = await nobody.req(r.method, fill(r.url), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      expect(res.status, key(r)).toBe(403);
      expect(res.body.code, key(r)).toBe('forbidden');
    }
    expect(await snapshot(s.db)).toEqual(before);
  });

  it('refuses a write without the CSRF token', async () => {
    const c = new Client(s, '10.0.0.79');
    c.cookie = admin.client.cookie;
    const res = await c.req('PUT', '/api/account/locale', { locale: 'en' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('csrf_failed');
  });

  it('lets a person with no role use only their own account routes', async () => {
    const me = await nobody.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.permissions).toEqual([]);
    const mine = await nobody.get('/api/account/sessions');
    expect(mine.body.sessions.every((x: { username: string }) => x.username === 'norole01')).toBe(true);
    // Someone else's session id is "not found", not ended.
    const adminSessions = (await admin.client.get('/api/admin/sessions')).body.sessions as { id: string; username: string }[];
    const other = adminSessions.find((x) => x.username === 'admin1');
    expect((await nobody.del(`/api/account/sessions/${other?.id}`)).status).toBe(404);
    expect((await admin.client.get('/api/auth/me')).status).toBe(200);
  });
});

const WORDS = Array.from({ length: 24 }, () => 'abandon');
/** Valid bodies for each write route: the bad-input cases change one thing at a time. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  'POST /api/setup': {
    token: 'x'.repeat(32),
    school: { nameZh: '聖保羅書院', nameEn: "St. Paul's College", schoolNumber: '123456' },
    admin: {
      username: 'newadmin',
      displayNameEn: 'New Admin',
      displayNameZh: '新管理員',
      email: 'new@school.edu.hk',
      password: 'another long passphrase',
    },
    locale: 'zh-HK',
  },
  'POST /api/setup/key': { token: 'x'.repeat(32) },
  'POST /api/auth/login': { username: 'nosuchperson', password: 'some password here' },
  'POST /api/auth/mfa': { code: '123456' },
  'POST /api/auth/logout': {},
  'POST /api/account/mfa/enrol/start': {},
  'POST /api/account/mfa/enrol/confirm': { code: '123456' },
  'POST /api/account/mfa/recovery-codes': { code: '123456' },
  'POST /api/account/password': { currentPassword: 'not my password at all', newPassword: 'a brand new passphrase' },
  'PUT /api/account/locale': { locale: 'en' },
  'POST /api/notifications/:id/read': {},
  'POST /api/admin/users': { username: 'newperson', displayNameEn: 'New Person', password: 'initial passphrase 123', roleIds: [] },
  'POST /api/admin/users/:id/unlock': {},
  'POST /api/admin/users/:id/reset-password': { newPassword: 'reset passphrase 12345' },
  'PUT /api/admin/users/:id/roles': { roleIds: [] },
  'PUT /api/admin/settings': { privilegedLimit: 3 },
  'PUT /api/security/key/settings': { rotationMonths: 12 },
  'POST /api/security/key/unlock': { words: Array.from({ length: 24 }, () => 'abandon') },
  'POST /api/security/key/lock': {},
  'POST /api/security/key/rotate': {},
  'POST /api/security/key/shares': {
    threshold: 2,
    holders: [
      { name: 'Principal', role: 'principal' },
      { name: 'Safe', role: 'safe' },
    ],
  },
  'POST /api/security/key/shares/:setId/:holderNo/sheet': { share: 'ABCD-EFGH' },
  'POST /api/security/key/shares/:setId/:holderNo/confirm': { share: 'ABCD-EFGH' },
  'POST /api/security/key/recover': { shares: ['ABCD-EFGH', 'JKMN-PQRS'] },
  'PUT /api/security/privileged/settings': { rotationDays: 180 },
  'PUT /api/security/privileged/accounts/:id/kind': { kind: 'shared' },
  'POST /api/security/privileged/accounts/:id/require-change': {},
  'POST /api/security/privileged/break-glass': { username: 'breakglass' },
  'POST /api/security/privileged/break-glass/reseal': {},
  'POST /api/school/years': { startYear: 2026 },
  'POST /api/school/years/:id/make-current': {},
  'POST /api/school/classes': { yearId: randomUUID(), code: '5D', level: 'S5', nameZh: '五丁', nameEn: 'Five D', teacherIds: [] },
  'POST /api/school/subjects': { code: 'ENG', nameZh: '英國語文', nameEn: 'English Language', edbCode: '165' },
  'POST /api/school/class-subjects': { classId: randomUUID(), subjectId: randomUUID(), medium: 'english', teacherIds: [] },
  'POST /api/staff': { staffCode: 'T001', nameEn: 'Chan Tai Man', status: 'serving' },
  'PUT /api/staff/:id': { staffCode: 'T001', nameEn: 'Chan Tai Man', status: 'serving', version: 1 },
  'POST /api/students': {
    regNo: 'R0001',
    nameEn: 'Lee Siu Ming',
    sex: 'M',
    dateOfBirth: '2012-03-04',
    idType: 'hkid',
    idNumber: 'A123456(3)',
    entryDate: '2024-09-01',
    status: 'on_roll',
  },
  'PUT /api/students/:id': {
    regNo: 'R0001',
    nameEn: 'Lee Siu Ming',
    sex: 'M',
    dateOfBirth: '2012-03-04',
    idType: 'hkid',
    idNumber: 'A123456(3)',
    entryDate: '2024-09-01',
    status: 'on_roll',
    version: 1,
  },
  'POST /api/students/:id/placement': { classId: randomUUID(), classNumber: 5, fromDate: '2026-09-01' },
  'PUT /api/students/:id/contacts': {
    addressZh: '九龍旺角彌敦道 600 號',
    homePhone: '2345 6789',
    guardians: [{ nameEn: 'Chan Mei Ling', relationship: 'mother', mobilePhone: '9123 4567', emergencyContact: true }],
    version: 0,
  },
  'POST /api/students/:id/reveal-id': { reason: 'checking the enrolment survey' },
  'POST /api/admin/roles': { nameZh: '活動統籌', nameEn: 'Activities Coordinator', grants: [{ key: 'classes.read', scope: 'school' }] },
  'POST /api/admin/roles/:id/copy': { nameZh: '副本', nameEn: 'Copy of role' },
  'PUT /api/admin/roles/:id': { nameZh: '活動統籌', nameEn: 'Activities Coordinator', grants: [] },
  'POST /api/admin/roles/:id/members': { userId: randomUUID(), startsOn: '2026-12-01' },
  'POST /api/access-reviews': { name: 'Annual review', dueOn: '2026-12-31', roleIds: [], recurrenceMonths: 12 },
  'PUT /api/access-reviews/:id/items/:itemId': { decision: 'keep', reason: 'duties unchanged' },
  'POST /api/access-reviews/:id/decisions': { decision: 'keep', reason: 'duties unchanged', recommendation: 'none' },
  'POST /api/access-reviews/:id/batches/:batchId/undo': {},
  'POST /api/access-reviews/:id/complete': {},
  'POST /api/admin/network/zones': { nameZh: '校園網絡', nameEn: 'School network', cidrs: ['10.0.0.0/8'] },
  'POST /api/admin/network/profiles': {
    nameZh: '上課日',
    nameEn: 'School days',
    weekdays: [1, 2, 3, 4, 5],
    startMinute: 420,
    endMinute: 1140,
  },
  'PUT /api/admin/network/rules': { rules: [] },
  'PUT /api/admin/network/settings': { enabled: false },
  'POST /api/admin/network/reviewed': {},
  'PUT /api/admin/network/holidays': { holidays: [{ day: '2026-12-25', nameZh: '聖誕節', nameEn: 'Christmas Day' }] },
  'PUT /api/admin/notification-list': { entries: [{ email: 'it-team@school.edu.hk', events: ['account_locked'] }] },
  'POST /api/admin/notification-list/reviewed': {},
  'POST /api/dashboard/checks/:key/ask': {},
  'POST /api/handover/plans': { userId: randomUUID(), reason: 'leaving', effectiveOn: '2026-12-31' },
  'PUT /api/handover/plans/:id/items/:itemId': { successorId: randomUUID() },
  'POST /api/handover/plans/:id/approve': {},
  'PUT /api/admin/sso': {
    enabled: false,
    issuer: 'https://login.example.edu.hk/',
    clientId: 'school-admin',
    emailLink: false,
    providerMfa: { enabled: true, amr: ['otp'], acr: [] },
  },
  'POST /api/admin/sso/reviewed': {},
  'PUT /api/admin/users/:id/sso': { mode: 'allowed' },
  'POST /api/account/sso/link': {},
  'POST /api/exchange/unlock': { words: WORDS },
  'PUT /api/exchange/inbox/:id/assign': {
    ownerId: randomUUID(),
    backupId: null,
    checkerId: null,
    internalDue: '2026-12-01T09:00:00+08:00',
  },
  'POST /api/exchange/inbox/:id/done': {},
  'POST /api/exchange/inbox/:id/close': { reason: 'sent again as EDB-2026-0009' },
  'POST /api/exchange/inbox/:id/returns': {},
  'POST /api/exchange/inbox/:id/amend': {},
  'PUT /api/exchange/returns/:id/rows': { files: [{ name: 'students', rows: [{ strn: 'S1234567' }] }], version: 1 },
  'POST /api/exchange/returns/:id/exceptions': {
    studentId: '00000000-0000-4000-8000-000000000001',
    explanation: 'Placed in 2A from 1 October',
    version: 1,
  },
  'POST /api/exchange/returns/:id/ready': {},
  'POST /api/exchange/returns/:id/reject': { reason: 'Check the STRN of 1A-4' },
  'POST /api/exchange/returns/:id/approve': { words: WORDS, version: 1 },
  'PUT /api/exchange/procedures/:category': { ownerId: null, backupId: null, checkerId: null, leadDays: 3, notes: 'SEO prepares' },
  'POST /api/exchange/procedures/review': {},
  'POST /api/exchange/calendar-feed': {},
  'POST /api/authority/messages': {
    category: 'headcount',
    subjectCode: 'SHC',
    typeCode: 'SURVEY',
    priority: 'normal',
    titleZh: '學生人數',
    titleEn: 'Headcount',
    bodyZh: '請提交',
    bodyEn: 'Please submit',
    referenceDate: '2026-11-15',
    deadline: '2026-12-15T17:00:00+08:00',
    audience: { levels: ['secondary'], schoolIds: [] },
    attachments: [],
    template: { kind: 'headcount', rules: ['required students.strn'] },
  },
  'POST /api/authority/messages/:id/remind': {},
  'POST /api/authority/messages/:id/resend': {},
  'POST /api/authority/packages/:id/open': { words: WORDS },
  'POST /api/authority/packages/verify': {
    package: {
      format: 'hk-school-admin/return-package/v1',
      header: {
        refNo: 'EDB-2026-0001',
        schoolNumber: '500001',
        authority: 'EDB',
        category: 'headcount',
        amendment: 0,
        createdAt: '2026-11-02T01:00:00.000Z',
        schoolKeyFingerprint: 'abcd',
      },
      manifest: [{ name: 'students.csv', bytes: 10, sha256: '00' }],
      wrapped: { eph: 'x', key: 'y' },
      ciphertext: 'z',
      packageHash: '00',
      signature: 'sig',
    },
  },
  'POST /api/security/checks/run': {},
  'POST /api/security/findings/:id/accept': { reason: 'Rotating the key next week', until: '2026-12-31' },
  'POST /api/security/findings/:id/review': { note: 'Looked at it with the principal' },
  'POST /api/security/routine': { titleZh: '檢查防火牆記錄', titleEn: 'Check the firewall log', frequency: 'weekly' },
  'PUT /api/security/routine/:id': {
    titleZh: '檢查防火牆記錄',
    titleEn: 'Check the firewall log',
    frequency: 'weekly',
    active: true,
    version: 1,
  },
  'POST /api/security/routine/:id/done': { note: 'Nothing unusual' },
  'POST /api/planning/calendar/instantiate': { startYear: 2026 },
  'PUT /api/planning/tasks/:id': { ownerId: null, dueOn: '2026-10-20', exchangeTaskId: null, version: 1 },
  'POST /api/planning/tasks/:id/done': { note: 'Sent on time' },
  'POST /api/planning/tasks/:id/reopen': {},
  'POST /api/planning/templates': { titleZh: '家長日', titleEn: 'Parents day', month: 2, day: 15 },
  'PUT /api/planning/templates/:id': { titleZh: '家長日', titleEn: 'Parents day', month: 2, day: 15, active: true, version: 1 },
  'POST /api/planning/plan': { startYear: 2027 },
  'PUT /api/planning/plan/steps/:id': { ownerId: null, dueOn: '2027-06-15', version: 1 },
  'POST /api/planning/plan/steps/:id/done': { note: 'Classes agreed' },
  'POST /api/planning/plan/steps/:id/reopen': {},
  'POST /api/planning/rollover': {},
  'PUT /api/planning/rollover/classes': {
    version: 1,
    classes: [{ code: '1A', level: 'S1', nameZh: '中一甲', nameEn: 'S1 A', stream: null, capacity: 40, subjectsFrom: null }],
  },
  'PUT /api/planning/rollover/order': { version: 1, numberOrder: 'name_en' },
  'PUT /api/planning/rollover/decisions/:studentId': { action: 'repeat', reason: 'Missed a term' },
  'POST /api/planning/rollover/dry-run': {},
  'POST /api/planning/rollover/migrate': { confirm: '2027/28' },
  'POST /api/planning/rollover/undo': {},
  'POST /api/planning/rollover/intake/preview': { fileName: 'allocation.xlsx', contentBase64: 'AAECAw==' },
  'POST /api/planning/rollover/intake/commit': { fileName: 'allocation.xlsx', contentBase64: 'AAECAw==' },
  'POST /api/jobs/students-export': { format: 'xlsx', lang: 'zh' },
  'POST /api/jobs/staff-export': { format: 'csv', lang: 'en' },
  // Not a spreadsheet (a few binary bytes): every variant below must be refused before anything is read.
  ...Object.fromEntries(
    ['students', 'staff', 'classes', 'class_subjects'].flatMap((k) =>
      ['preview', 'commit'].map((step) => [`POST /api/imports/${k}/${step}`, { fileName: 'students.xlsx', contentBase64: 'AAECAw==' }]),
    ),
  ),
};
/** Passwords may hold any character (NIST SP 800-63B); they are hashed, never interpreted. */
const ANY_CHARACTER_FIELDS = new Set(['password', 'newPassword', 'currentPassword']);
const METACHARACTERS = ["' OR '1'='1", "'; DROP TABLE users; --", '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '\u0000'];

function stringPaths(o: unknown, prefix: string[] = []): string[][] {
  if (typeof o === 'string') return [prefix];
  if (o && typeof o === 'object' && !Array.isArray(o)) return Object.entries(o).flatMap(([k, v]) => stringPaths(v, [...prefix, k]));
  return [];
}
function withValue(o: Record<string, unknown>, path: string[], v: unknown): Record<string, unknown> {
  const copy = structuredClone(o);
  let cur: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[path[path.length - 1] as string] = v;
  return copy;
}

describe('bad input on every write route', () => {
  const writes = () => apiRoutes().filter((r) => r.method !== 'GET' && r.method !== 'DELETE');

  it('has a sample body for every write route', () => {
    for (const r of writes()) expect(SAMPLES[key(r)], key(r)).toBeDefined();
  });

  it('gets 4xx for malformed JSON, wrong types, unknown fields, oversized bodies and metacharacters, and changes nothing', async () => {
    // Signed in as the administrator (all permissions), so refusals come from the input, not the guard.
    const c = admin.client;
    await c.refreshCsrf();
    const before = await snapshot(s.db);
    const check = async (r: { method: string; url: string }, body: unknown, what: string) => {
      const res = await c.req(r.method, fill(r.url), body);
      expect(res.status, `${key(r)} ${what}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${key(r)} ${what}`).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toMatch(/at .+\.(ts|js):\d+/); // no stack traces
    };
    for (const r of writes()) {
      const sample = SAMPLES[key(r)] ?? {};
      await check(r, '{"unterminated": ', 'malformed JSON');
      await check(r, { ...sample, unexpectedField: 1 }, 'unknown field');
      await check(r, { ...sample, pad: 'x'.repeat(1024 * 1024 + 10) }, 'oversized body');
      await check(r, '[1,2,3]', 'an array instead of an object');
      for (const path of stringPaths(sample)) {
        await check(r, withValue(sample, path, 12345), `wrong type at ${path.join('.')}`);
        if (ANY_CHARACTER_FIELDS.has(path[path.length - 1] as string)) continue;
        for (const m of METACHARACTERS) await check(r, withValue(sample, path, m), `metacharacters at ${path.join('.')}`);
      }
      for (const [k, v] of Object.entries(sample))
        if (typeof v === 'number' || Array.isArray(v)) await check(r, { ...sample, [k]: 'not-a-number' }, `wrong type at ${k}`);
    }
    expect(await snapshot(s.db)).toEqual(before);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    // Several requests per write route (over a hundred routes now): give it room on a loaded machine.
  }, 240_000);

  it('password fields take metacharacters literally: a wrong password is just wrong', async () => {
    const anon = new Client(s, '10.0.0.90');
    for (const m of METACHARACTERS) {
      const res = await anon.post('/api/auth/login', { username: 'admin1', password: m });
      expect(res.status).toBe(m.includes('\u0000') ? 400 : 401);
    }
    s.clock.advance(60_000);
    const ok = new Client(s, '10.0.0.91');
    expect((await ok.post('/api/auth/login', { username: 'admin1', password: ADMIN_PASSWORD })).body.stage).toBe('mfa');
    await ok.refreshCsrf();
    expect((await ok.post('/api/auth/mfa', { code: await totpNow(s, admin.totpSecret) })).body.stage).toBe('done');
  });
});
