import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type SetupSchool, type TestServer, createUser, setupSchool, startTestServer } from '../helpers/server.js';

// Sign-in names are unique within an organisation (issue 15, part 5): two schools each have a
// `sysadmin`, each signs in with its own school code, and nothing tells one school about the other's.
let s: TestServer;
let a: SetupSchool;
let b: SetupSchool;
let edb: SetupSchool;
let onlyCode: unknown;
const people: Record<string, { id: string; password: string }> = {};
beforeAll(async () => {
  s = await startTestServer();
  a = await setupSchool(s, 1);
  onlyCode = (await new Client(s, '10.40.0.1').get('/api/auth/sign-in-options')).body;
  b = await setupSchool(s, 2);
  edb = await setupSchool(s, 3, 'EDB');
  people.a = await createUser(s, a.client, 'sysadmin', ['teacher']);
  // School B's `sysadmin` has a password of its own, so signing in at the wrong school proves nothing by luck.
  const bPassword = 'violet harbour lantern 88';
  const made = await b.client.post('/api/admin/users', {
    username: 'sysadmin',
    displayNameEn: 'B Person',
    password: bPassword,
    roleIds: [],
  });
  expect(made.status).toBe(201);
  people.b = { id: made.body.id as string, password: bPassword };
});
afterAll(() => s?.close());

const login = (ip: string, body: Record<string, unknown>) => new Client(s, ip).post('/api/auth/login', body);

describe('sign-in names per school', () => {
  it('lets a second school create a name the first already uses; a name is still taken within its own school', async () => {
    expect(people.b?.id).toBeDefined();
    expect(people.b?.id).not.toBe(people.a?.id);
    const again = await b.client.post('/api/admin/users', {
      username: 'sysadmin',
      displayNameEn: 'Another Person',
      password: 'a long passphrase here',
    });
    expect([again.status, again.body.code]).toEqual([409, 'username_taken']);
  });

  it("signs each school's person in with its own school code, into its own school", async () => {
    for (const [school, who] of [
      [a, people.a],
      [b, people.b],
    ] as const) {
      const c = new Client(s, '10.40.1.1');
      expect((await c.post('/api/auth/login', { username: 'sysadmin', password: who?.password, school: school.code })).body.stage).toBe(
        'password',
      );
      const me = await c.refreshCsrf();
      expect([me.body.user.id, me.body.school.id]).toEqual([who?.id, school.schoolId]);
    }
    // An authority's code, in any case.
    expect((await login('10.40.1.2', { username: 'admin3', password: 'correct horse battery staple 42', school: 'edb' })).body.stage).toBe(
      'mfa',
    );
    void edb;
  });

  it('answers a wrong or missing school code exactly as a wrong password', async () => {
    const wrongPassword = await login('10.40.2.1', { username: 'sysadmin', password: 'not the password at all', school: a.code });
    expect(wrongPassword.status).toBe(401);
    for (const body of [
      { username: 'sysadmin', password: people.a?.password, school: b.code }, // A's password at B
      { username: 'sysadmin', password: people.a?.password, school: '599999' }, // no such school
      { username: 'sysadmin', password: people.a?.password }, // more than one organisation: the code is needed
      { username: 'sysadmin', password: people.a?.password, school: '' },
      { username: 'admin1', password: 'correct horse battery staple 42', school: b.code }, // A's administrator at B
    ]) {
      const r = await login('10.40.2.2', body);
      expect({ status: r.status, body: r.body, retryAfter: r.headers['retry-after'] }).toEqual({
        status: wrongPassword.status,
        body: wrongPassword.body,
        retryAfter: undefined,
      });
    }
  });

  it("prefills the only organisation's code, and asks for it once there are more", async () => {
    expect(onlyCode).toEqual({ schoolCode: a.code });
    expect((await new Client(s, '10.40.3.1').get('/api/auth/sign-in-options')).body).toEqual({ schoolCode: null });
  });

  it('refuses a malformed school code as bad input', async () => {
    const r = await login('10.40.4.1', { username: 'sysadmin', password: 'whatever whatever', school: "5' OR 1=1 --" });
    expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
  });
});
