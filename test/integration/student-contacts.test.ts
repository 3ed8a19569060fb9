import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck, strnWithCheck } from '../../src/server/modules/school/identity.js';
import { Client, type SetupSchool, type TestServer, createUser, firstSignIn, setupSchool, startTestServer } from '../helpers/server.js';
import { exportFile } from '../helpers/jobs.js';

/** Students' guardians, home address and phones: edited whole, validated, masked without the right, audited masked. */
let s: TestServer;
let admin: SetupSchool;
let other: SetupSchool;
let c: Client;
const ids: Record<string, string> = {};

const student = (n: number, classId: string) => ({
  regNo: `R${String(n).padStart(5, '0')}`,
  strn: strnWithCheck('S', String(300000 + n)),
  nameZh: `李小芳${n}`,
  nameEn: `Lee Siu Fong ${n}`,
  sex: 'F',
  dateOfBirth: '2013-05-06',
  idType: 'hkid',
  idNumber: hkidWithCheck('B', String(400000 + n)),
  entryDate: '2025-09-01',
  classId,
  classNumber: n,
});

const mother = {
  nameZh: '陳美玲',
  nameEn: 'Chan Mei Ling',
  relationship: 'mother',
  mobilePhone: '+852 9123-4567',
  email: 'meiling.chan@example.com',
  emergencyContact: true,
};
const father = { nameEn: 'Lee Tai Man', relationship: 'father', mobilePhone: '+44 20 7946 0958', otherPhone: '2345 6789' };
const full = {
  addressZh: '九龍旺角彌敦道 600 號 12 樓 B 室',
  addressEn: 'Flat B, 12/F, 600 Nathan Road, Mong Kok, Kowloon',
  district: 'yau_tsim_mong',
  homePhone: '2345 6789',
  mobilePhone: '6123 4567',
  guardians: [mother, father],
};

async function contacts(x: Client, id: string) {
  const r = await x.get(`/api/students/${id}/contacts`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}
const auditCount = async () => (await c.get('/api/audit?action=students.contacts_updated')).body.entries.length as number;

/** Signs in a person holding the given template roles, or a role made of the given grants. */
async function person(username: string, ip: string, roles: string[], grants?: { key: string; scope?: string }[]) {
  if (grants) {
    const role = await c.post('/api/admin/roles', { nameZh: '自訂', nameEn: `Custom ${username}`, grants });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const password = `initial password for ${username.length} letters`;
    const u = await c.post('/api/admin/users', { username, displayNameEn: 'Custom Person', password, roleIds: [role.body.id] });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    return { id: u.body.id as string, client: await firstSignIn(s, username, password, ip, admin.code) };
  }
  const u = await createUser(s, c, username, roles);
  return { id: u.id, client: await firstSignIn(s, username, u.password, ip, admin.code) };
}

beforeAll(async () => {
  s = await startTestServer();
  admin = await setupSchool(s, 1);
  other = await setupSchool(s, 2);
  c = admin.client;
  ids.year = (await c.post('/api/school/years', { startYear: 2026 })).body.id;
  ids.t1 = (await c.post('/api/staff', { staffCode: 'T01', nameEn: 'Wong Ka Yan', status: 'serving' })).body.id;
  ids.t2 = (await c.post('/api/staff', { staffCode: 'T02', nameEn: 'Lam Chi Keung', status: 'serving' })).body.id;
  for (const [code, teacher] of [
    ['4A', ids.t1],
    ['4B', ids.t2],
  ] as const) {
    const r = await c.post('/api/school/classes', {
      yearId: ids.year,
      code,
      level: 'S4',
      nameZh: code,
      nameEn: code,
      teacherIds: [teacher],
    });
    ids[code] = r.body.id;
  }
  for (let n = 1; n <= 3; n++) {
    const r = await c.post('/api/students', student(n, n <= 2 ? (ids['4A'] ?? '') : (ids['4B'] ?? '')));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids[`s${n}`] = r.body.id;
  }
});
afterAll(() => s?.close());

describe('student contact particulars', () => {
  it('a student with none has an empty set at version 0', async () => {
    expect(await contacts(c, ids.s1 ?? '')).toEqual({
      masked: false,
      addressZh: null,
      addressEn: null,
      district: null,
      homePhone: null,
      mobilePhone: null,
      guardians: [],
      version: 0,
    });
  });

  it('saves address, phones and guardians; phones are normalised (+852 dropped, overseas kept with +)', async () => {
    expect((await c.put(`/api/students/${ids.s1}/contacts`, { ...full, version: 0 })).status).toBe(204);
    const v = await contacts(c, ids.s1 ?? '');
    expect(v).toMatchObject({
      masked: false,
      addressZh: full.addressZh,
      addressEn: full.addressEn,
      district: 'yau_tsim_mong',
      homePhone: '2345 6789',
      mobilePhone: '6123 4567',
      version: 1,
    });
    expect(v.guardians).toEqual([
      {
        nameZh: '陳美玲',
        nameEn: 'Chan Mei Ling',
        relationship: 'mother',
        mobilePhone: '9123 4567',
        otherPhone: null,
        email: 'meiling.chan@example.com',
        emergencyContact: true,
      },
      {
        nameZh: null,
        nameEn: 'Lee Tai Man',
        relationship: 'father',
        mobilePhone: '+442079460958',
        otherPhone: '2345 6789',
        email: null,
        emergencyContact: false,
      },
    ]);
    const stored = await s.db.system((q) =>
      q.query<{ mobile_phone: string }>('SELECT mobile_phone FROM student_guardians ORDER BY position'),
    );
    expect(stored.map((r) => r.mobile_phone)).toEqual(['91234567', '+442079460958']);
    // The list shows each student's emergency contact.
    const list = (await c.get(`/api/students?classId=${ids['4A']}`)).body.students as { regNo: string; emergencyContact: unknown }[];
    expect(list.find((x) => x.regNo === 'R00001')?.emergencyContact).toEqual({ relationship: 'mother', phone: '9123 4567', masked: false });
    expect(list.find((x) => x.regNo === 'R00002')?.emergencyContact).toBeNull();
  });

  it('edits and removes guardians; the audit record holds masked values only', async () => {
    const edited = {
      ...full,
      homePhone: undefined,
      guardians: [{ ...mother, mobilePhone: '9876 5432' }],
      version: 1,
    };
    expect((await c.put(`/api/students/${ids.s1}/contacts`, edited)).status).toBe(204);
    const v = await contacts(c, ids.s1 ?? '');
    expect(v.version).toBe(2);
    expect(v.homePhone).toBeNull();
    expect(v.guardians.map((g: { nameEn: string; mobilePhone: string }) => `${g.nameEn} ${g.mobilePhone}`)).toEqual([
      'Chan Mei Ling 9876 5432',
    ]);

    const entries = (await c.get('/api/audit?action=students.contacts_updated')).body.entries as { details: Record<string, unknown> }[];
    expect(entries).toHaveLength(2);
    const latest = entries[0]?.details;
    expect(latest).toEqual({
      regNo: 'R00001',
      homePhone: { before: '2345 ****', after: null },
      guardians: [
        {
          position: 1,
          before: expect.objectContaining({ relationship: 'mother', mobilePhone: '9123 ****', nameZh: '陳**', email: 'm***@example.com' }),
          after: expect.objectContaining({ mobilePhone: '9876 ****' }),
        },
        { position: 2, before: expect.objectContaining({ relationship: 'father', mobilePhone: '+4420 ****' }), after: null },
      ],
    });
    const first = JSON.stringify(entries[1]?.details);
    expect(first).toContain('"addressZh":"changed"');
    // Never a full number, address, name or e-mail in the log.
    const log = JSON.stringify(entries);
    for (const secret of [
      '91234567',
      '9123 4567',
      '98765432',
      '2345 6789',
      '23456789',
      'Nathan',
      '彌敦道',
      '陳美玲',
      'Chan Mei Ling',
      'meiling',
    ])
      expect(log, secret).not.toContain(secret);
  });

  it('refuses bad input with the field and a code the web translates, and changes nothing', async () => {
    const before = await contacts(c, ids.s1 ?? '');
    const audits = await auditCount();
    const put = (body: Record<string, unknown>) => c.put(`/api/students/${ids.s1}/contacts`, { ...full, version: 2, ...body });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ homePhone: '2345 678' }, '/homePhone', 'invalid_format'], // 7 digits
      [{ homePhone: '1234 5678' }, '/homePhone', 'invalid_format'], // no Hong Kong number starts with 1
      [{ mobilePhone: '+852 9123 456' }, '/mobilePhone', 'invalid_format'],
      [{ mobilePhone: '+1 234' }, '/mobilePhone', 'invalid_format'], // too short for any country
      [{ mobilePhone: 'call me' }, '/mobilePhone', 'invalid_format'],
      [{ guardians: [{ ...mother, email: 'not-an-address' }] }, '/guardians/0/email', 'invalid_format'],
      [{ guardians: [mother, { ...father, emergencyContact: true }] }, '/guardians/1/emergencyContact', 'one_emergency_contact'],
      [{ guardians: [{ relationship: 'guardian', mobilePhone: '91234567' }] }, '/guardians/0/nameEn', 'required'],
      [{ guardians: [{ nameEn: 'No Phone', relationship: 'guardian', emergencyContact: true }] }, '/guardians/0/mobilePhone', 'required'],
      [{ guardians: [mother, father, father, father] }, '/guardians', 'too_big'],
      [{ guardians: [{ ...mother, relationship: 'neighbour' }] }, '/guardians/0/relationship', 'invalid_value'],
      [{ district: 'Mong Kok' }, '/district', 'invalid_value'],
      [{ addressEn: 'x'.repeat(301) }, '/addressEn', 'too_big'],
    ];
    for (const [body, path, code] of cases) {
      const r = await put(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      // Zod's problems name the body (`body/homePhone`); the rules across guardians name the field alone.
      const problems = (r.body.errors as { path: string; code: string }[]).map((e) => ({
        path: e.path.replace(/^body/, ''),
        code: e.code,
      }));
      expect(problems, JSON.stringify(body)).toContainEqual({ path, code });
    }
    const stale = await c.put(`/api/students/${ids.s1}/contacts`, { ...full, version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('version_conflict');
    expect(await contacts(c, ids.s1 ?? '')).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it('someone without the right sees everything masked, in the list and the detail, and cannot edit', async () => {
    // A panel head reads every student but holds no contacts right.
    const head = (await person('panelhead', '10.5.0.1', ['panel_head'])).client;
    const v = await contacts(head, ids.s1 ?? '');
    expect(v).toMatchObject({
      masked: true,
      addressZh: '****',
      addressEn: '****',
      district: 'yau_tsim_mong',
      homePhone: null,
      mobilePhone: '6123 ****',
      version: 2,
    });
    expect(v.guardians).toEqual([
      {
        nameZh: '陳**',
        nameEn: 'C**',
        relationship: 'mother',
        mobilePhone: '9876 ****',
        otherPhone: null,
        email: 'm***@example.com',
        emergencyContact: true,
      },
    ]);
    const list = (await head.get('/api/students')).body.students as { regNo: string; emergencyContact: unknown }[];
    expect(list.find((x) => x.regNo === 'R00001')?.emergencyContact).toEqual({ relationship: 'mother', phone: '9876 ****', masked: true });
    const seen = JSON.stringify([v, list]);
    for (const secret of ['98765432', '9876 5432', '6123 4567', 'Nathan', 'Chan Mei Ling', 'meiling']) expect(seen).not.toContain(secret);

    // Managing students without the contacts right: the masked values cannot be saved back.
    const clerk = (await person('clerk', '10.5.0.2', [], [{ key: 'students.read' }, { key: 'students.manage' }])).client;
    expect((await contacts(clerk, ids.s1 ?? '')).masked).toBe(true);
    const r = await clerk.put(`/api/students/${ids.s1}/contacts`, { guardians: [], version: 2 });
    expect(r.status).toBe(403);
    expect((await contacts(c, ids.s1 ?? '')).guardians).toHaveLength(1);
  });

  it('a teacher sees contacts in full for their own classes only, as the student queries scope them', async () => {
    await c.put(`/api/students/${ids.s3}/contacts`, { guardians: [{ ...mother, mobilePhone: '55554444' }], version: 0 });
    // Class teacher of 4A, and a panel head who reads every student: contacts only for 4A.
    const t = await person('teacherwong', '10.5.0.3', ['teacher', 'panel_head']);
    const staff = (await c.get('/api/staff?q=T01')).body.staff[0] as { version: number };
    expect(
      (
        await c.put(`/api/staff/${ids.t1}`, {
          staffCode: 'T01',
          nameEn: 'Wong Ka Yan',
          status: 'serving',
          userId: t.id,
          version: staff.version,
        })
      ).status,
    ).toBe(204);
    expect((await contacts(t.client, ids.s1 ?? '')).masked).toBe(false);
    const s3 = await contacts(t.client, ids.s3 ?? '');
    expect(s3.masked).toBe(true);
    expect(s3.guardians[0].mobilePhone).toBe('5555 ****');
    const list = (await t.client.get('/api/students')).body.students as { regNo: string; emergencyContact: { phone: string } | null }[];
    expect(list.map((x) => `${x.regNo}:${x.emergencyContact?.phone ?? '-'}`)).toEqual(['R00001:9876 5432', 'R00002:-', 'R00003:5555 ****']);

    // A teacher alone reaches only their classes' students at all: another class's student is not found.
    const only = await person('teacherlam', '10.5.0.4', ['teacher']);
    const lam = (await c.get('/api/staff?q=T02')).body.staff[0] as { version: number };
    await c.put(`/api/staff/${ids.t2}`, {
      staffCode: 'T02',
      nameEn: 'Lam Chi Keung',
      status: 'serving',
      userId: only.id,
      version: lam.version,
    });
    expect((await contacts(only.client, ids.s3 ?? '')).guardians[0].mobilePhone).toBe('5555 4444');
    expect((await only.client.get(`/api/students/${ids.s1}/contacts`)).status).toBe(404);
  });

  it('removing everything leaves an empty set; another school sees none of it', async () => {
    expect((await c.put(`/api/students/${ids.s1}/contacts`, { guardians: [], version: 2 })).status).toBe(204);
    const v = await contacts(c, ids.s1 ?? '');
    expect(v).toMatchObject({ addressZh: null, addressEn: null, district: null, mobilePhone: null, guardians: [], version: 3 });
    const b = other.client;
    expect((await b.get(`/api/students/${ids.s3}/contacts`)).status).toBe(404);
    expect((await b.put(`/api/students/${ids.s3}/contacts`, { guardians: [], version: 1 })).status).toBe(404);
    expect((await contacts(c, ids.s3 ?? '')).guardians).toHaveLength(1);
  });

  describe('import and export', () => {
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    const exportCsv = async (x: Client, lang = 'en') =>
      (await exportFile(s, x.cookie, 'students', { format: 'csv', lang: lang === 'zh' ? 'zh' : 'en' })).body;
    const imp = (x: Client, step: 'preview' | 'commit', text: string) =>
      x.post(`/api/imports/students/${step}`, { fileName: 'students.csv', contentBase64: b64(text) });
    let clerk: Client;

    beforeAll(async () => {
      const r = await c.put(`/api/students/${ids.s2}/contacts`, {
        ...full,
        guardians: [
          { ...father, emergencyContact: true },
          { ...mother, emergencyContact: false },
        ],
        version: 0,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(204);
      clerk = (await person('clerk2', '10.5.0.5', [], [{ key: 'students.read' }, { key: 'students.manage' }])).client;
    });

    it('exports the contact columns in full to someone with the right, and the file imports back changing nothing', async () => {
      const csv = await exportCsv(c);
      const [header, ...lines] = csv
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(header).toContain('address_zh,address_en,district,home_phone,mobile_phone,guardian1_name_zh');
      expect(header).toContain('guardian3_emergency_contact');
      const r2 = lines.find((l) => l.includes('R00002')) ?? '';
      expect(r2).toContain('2345 6789');
      expect(r2).toContain("'+442079460958"); // a leading + is neutralised for spreadsheets; the import reads it back
      expect(r2).toContain('meiling.chan@example.com');
      const before = await contacts(c, ids.s2 ?? '');
      const again = await imp(c, 'commit', csv);
      expect(again.body.issues).toEqual([]);
      expect(again.body).toMatchObject({ create: 0, update: 0, unchanged: 3 });
      expect(await contacts(c, ids.s2 ?? '')).toEqual(before);
      // The Chinese export too.
      const zh = await exportCsv(c, 'zh');
      expect(zh).toContain('監護人1緊急聯絡人');
      expect((await imp(c, 'preview', zh)).body).toMatchObject({ issues: [], unchanged: 3 });
    });

    it('imports guardians and an address with Chinese headers and words; leaves the other columns as they are', async () => {
      const file = [
        '註冊編號,地區,住宅電話,監護人1中文姓名,監護人1關係,監護人1手提電話,監護人1緊急聯絡人,監護人2英文姓名,監護人2關係',
        'R00001,沙田,+852 2601 2345,何美儀,母親,6000 1111,是,Ho Kwok Wai,父親',
      ].join('\n');
      const r = await imp(c, 'commit', file);
      expect(r.body.issues).toEqual([]);
      expect(r.body).toMatchObject({ committed: true, update: 1 });
      const v = await contacts(c, ids.s1 ?? '');
      expect(v).toMatchObject({ district: 'sha_tin', homePhone: '2601 2345', addressZh: null });
      expect(
        v.guardians.map((g: { nameZh: string; nameEn: string; relationship: string; emergencyContact: boolean }) => [
          g.nameZh ?? g.nameEn,
          g.relationship,
          g.emergencyContact,
        ]),
      ).toEqual([
        ['何美儀', 'mother', true],
        ['Ho Kwok Wai', 'father', false],
      ]);
      expect((await c.get(`/api/students/${ids.s1}`)).body.nameEn).toBe('Lee Siu Fong 1');
    });

    it('reports every bad contact cell at once and writes nothing', async () => {
      const before = await contacts(c, ids.s1 ?? '');
      const file = [
        'reg_no,home_phone,guardian1_name_en,guardian1_relationship,guardian1_mobile_phone,guardian1_emergency_contact,guardian2_name_en,guardian2_relationship,guardian2_email,guardian2_emergency_contact,guardian3_name_en',
        'R00001,1234,Chan Tai Man,uncle,9123 456,Y,Chan Siu Man,father,not-mail,Y,Someone',
      ].join('\n');
      const r = await imp(c, 'commit', file);
      expect(r.body.committed).toBe(false);
      const problems = (r.body.issues as { column: string; code: string }[]).map((i) => `${i.column}:${i.code}`).sort();
      // Guardian 1's relationship is both not one of the list and, so, missing; guardian 2 is the emergency contact with no phone.
      expect(problems).toEqual([
        'guardian1_mobile_phone:invalid_format',
        'guardian1_relationship:invalid_value',
        'guardian1_relationship:required',
        'guardian2_email:invalid_format',
        'guardian2_mobile_phone:required',
        'guardian3_relationship:required',
        'home_phone:invalid_format',
      ]);
      // With the cells put right, the two emergency contacts remain: one is refused.
      const two = [
        'reg_no,guardian1_name_en,guardian1_relationship,guardian1_mobile_phone,guardian1_emergency_contact,guardian2_name_en,guardian2_relationship,guardian2_mobile_phone,guardian2_emergency_contact',
        'R00001,Chan Tai Man,relative,91234567,Y,Chan Siu Man,father,61234567,Y',
      ].join('\n');
      const r2 = await imp(c, 'commit', two);
      expect((r2.body.issues as { column: string; code: string }[]).map((i) => `${i.column}:${i.code}`)).toEqual([
        'guardian2_emergency_contact:one_emergency_contact',
      ]);
      expect(await contacts(c, ids.s1 ?? '')).toEqual(before);
    });

    it('someone without the right exports masked contacts, may bring that file back unchanged, and cannot import contacts', async () => {
      const csv = await exportCsv(clerk);
      for (const secret of ['2345 6789', '442079460958', 'meiling', 'Chan Mei Ling', 'Nathan', '彌敦道', '6000 1111'])
        expect(csv).not.toContain(secret);
      expect(csv).toContain('2345 ****');
      expect(csv).toContain('m***@example.com');
      const before = [await contacts(c, ids.s1 ?? ''), await contacts(c, ids.s2 ?? '')];
      const back = await imp(clerk, 'commit', csv);
      expect(back.body.issues).toEqual([]);
      expect(back.body).toMatchObject({ update: 0, unchanged: 3 });
      expect([await contacts(c, ids.s1 ?? ''), await contacts(c, ids.s2 ?? '')]).toEqual(before);
      const typed = await imp(clerk, 'commit', 'reg_no,home_phone,name_en\nR00002,2345 0000,Lee Siu Fong 2\n');
      expect(typed.body.committed).toBe(false);
      expect(typed.body.issues).toEqual([{ row: 2, column: 'home_phone', value: '', code: 'contacts_not_permitted' }]);
      expect((await contacts(c, ids.s2 ?? '')).homePhone).toBe('2345 6789');
      // Typing the stored number in full is refused like any other: a preview is no way to test a guess.
      const guess = await imp(clerk, 'preview', 'reg_no,home_phone,guardian2_email\nR00002,2345 6789,meiling.chan@example.com\n');
      expect(guess.body.issues).toEqual([
        { row: 2, column: 'home_phone', value: '', code: 'contacts_not_permitted' },
        { row: 2, column: 'guardian2_email', value: '', code: 'contacts_not_permitted' },
      ]);
      const wrongGuess = await imp(clerk, 'preview', 'reg_no,home_phone,guardian2_email\nR00002,2345 6780,meiling.chen@example.com\n');
      expect(wrongGuess.body.issues).toEqual(guess.body.issues);
    });
  });
});
