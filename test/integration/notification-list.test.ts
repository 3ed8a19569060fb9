import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyUser } from '../../src/server/core/notify/notify.js';
import { Client, type SetupSchool, type TestServer, createUser, firstSignIn, setupSchool, startTestServer } from '../helpers/server.js';

let s: TestServer;
let admin: SetupSchool;
let c: Client;

beforeAll(async () => {
  s = await startTestServer();
  admin = await setupSchool(s);
  c = admin.client;
});
afterAll(() => s?.close());

describe('security notification list', () => {
  it('sends each security event to the people and addresses listed for it, and only to them', async () => {
    const deputy = await createUser(s, c, 'itdeputy', []);
    const r = await c.put('/api/admin/notification-list', {
      entries: [
        { userId: deputy.id, events: ['account_locked', 'privileged_changed'] },
        { email: 'it-team@school.edu.hk', events: ['account_locked'] },
      ],
    });
    expect(r.status).toBe(204);
    await createUser(s, c, 'teacher05', ['teacher']);
    const x = new Client(s, '10.5.5.5');
    for (let i = 0; i < 10; i++) await x.post('/api/auth/login', { username: 'teacher05', password: 'not the right one at all' });
    const mail = (await c.get('/api/outbox')).body.entries.filter((m: { subject: string }) => m.subject.includes('teacher05')) as {
      to: string;
    }[];
    expect(mail.map((m) => m.to).sort()).toEqual(['it-team@school.edu.hk']);
    const notes = await s.db.school(admin.schoolId, (q) =>
      q.query<{ user_id: string }>(`SELECT user_id FROM notifications WHERE title_key = 'notifications.accountLocked'`),
    );
    expect(notes.map((n) => n.user_id)).toEqual([deputy.id]);
  });

  it('refuses an entry with both or neither of a person and an address, and a person of another school', async () => {
    expect((await c.put('/api/admin/notification-list', { entries: [{ events: ['account_locked'] }] })).status).toBe(400);
    expect(
      (await c.put('/api/admin/notification-list', { entries: [{ userId: admin.adminId, email: 'x@y.hk', events: ['account_locked'] }] }))
        .status,
    ).toBe(400);
    expect(
      (
        await c.put('/api/admin/notification-list', {
          entries: [{ userId: '00000000-0000-4000-8000-000000000000', events: ['account_locked'] }],
        })
      ).status,
    ).toBe(404);
  });

  it('memo.U1.notification-list asks for a yearly review with sign-off', async () => {
    const status = async () =>
      ((await c.get('/api/dashboard')).body.checks as { key: string; status: string }[]).find((x) => x.key === 'memo.U1.notification-list');
    expect((await status())?.status).toBe('attention');
    expect((await c.post('/api/admin/notification-list/reviewed')).status).toBe(204);
    expect((await status())?.status).toBe('ok');
    expect((await c.get('/api/admin/notification-list')).body.reviewedBy).toBe('admin1');
  });
});

describe('in-app notifications', () => {
  it('a person sees their own, newest first with the unread count, and marks one read; nobody else can', async () => {
    const reader = await createUser(s, c, 'reader01', []);
    const x = await firstSignIn(s, 'reader01', reader.password, '10.5.5.6');
    for (const [n, titleKey] of [
      [1, 'notifications.accountLocked'],
      [2, 'notifications.networkRefused'],
    ] as const) {
      s.clock.advance(1000);
      await s.db.schoolTx(admin.schoolId, (q) =>
        notifyUser(q, s.clock, { schoolId: admin.schoolId, userId: reader.id, kind: 'test', titleKey, idemKey: `reader:${n}` }),
      );
    }
    const list = (await x.get('/api/notifications')).body as { notifications: { id: string; titleKey: string }[]; unread: number };
    expect(list.notifications.map((n) => n.titleKey)).toEqual(['notifications.networkRefused', 'notifications.accountLocked']);
    expect(list.unread).toBe(2);
    const id = list.notifications[0]?.id ?? '';
    expect((await c.post(`/api/notifications/${id}/read`)).status).toBe(404);
    expect((await x.post(`/api/notifications/${id}/read`)).status).toBe(204);
    expect((await x.post(`/api/notifications/${id}/read`)).status).toBe(204);
    const after = (await x.get('/api/notifications')).body as { notifications: { id: string; readAt: string | null }[]; unread: number };
    expect(after.unread).toBe(1);
    expect(after.notifications.find((n) => n.id === id)?.readAt).not.toBe(null);
  });
});
