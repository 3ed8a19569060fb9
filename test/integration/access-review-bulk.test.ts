/**
 * Issue 14 item 6: bulk decisions in an access review (keep every item without a recommendation,
 * decide by role), undo until completion, and the requirements the page shows before they bite.
 * The people are made as rows (the test is about the review, not about creating accounts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  type SetupSchool,
  type TestServer,
  createUser,
  firstSignIn,
  setupSchool,
  startTestServer,
} from '../helpers/server.js';

let s: TestServer;
let school: SetupSchool;
let admin: Client;
let principal: Client;
let principalId = '';
let reviewId = '';
const roleIds: Record<string, string> = {};

interface Item {
  id: string;
  userId: string;
  username: string;
  roleId: string;
  reviewerId: string;
  recommendation: string | null;
  decision: string | null;
  batchId: string | null;
}
interface Detail {
  status: string;
  items: Item[];
  batches: { id: string; items: number; decision: string; selection: Record<string, unknown> }[];
  requirements: { undecided: number; leavesNoAdministrator: boolean };
}
const detail = async (): Promise<Detail> => (await admin.get(`/api/access-reviews/${reviewId}`)).body as Detail;
const auditCount = async (action: string, batch: string): Promise<number> => {
  const [r] = await s.db.system((q) =>
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND details->>'batch' = $2`, [action, batch]),
  );
  return r?.n ?? 0;
};

beforeAll(async () => {
  s = await startTestServer();
  school = await setupSchool(s);
  admin = school.client;
  const p = await createUser(s, admin, 'bulkprincipal', ['principal']);
  principalId = p.id;
  principal = await firstSignIn(s, 'bulkprincipal', p.password, '10.9.1.1');
  for (const r of (await admin.get('/api/admin/roles')).body.roles as { id: string; key: string }[]) roleIds[r.key] = r.id;
  // 12 teachers who signed in lately (no recommendation) and 4 office staff idle for a year (inactive).
  const now = s.clock.now();
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
  await s.db.systemTx(async (q) => {
    for (let n = 1; n <= 16; n++) {
      const teacher = n <= 12;
      const [u] = await q.query<{ id: string }>(
        `INSERT INTO users (school_id, username, display_name_en, display_name_zh, password_hash, password_changed_at, created_at, last_login_at)
         VALUES ($1, $2, $3, $4, 'x', $5, $5, $6) RETURNING id`,
        [
          school.schoolId,
          `${teacher ? 'bulkteacher' : 'bulkclerk'}${String(n).padStart(2, '0')}`,
          `${teacher ? 'Teacher' : 'Clerk'} Number ${n}`,
          `${teacher ? '老師' : '文員'}${n}號`,
          teacher ? now : yearAgo,
          teacher ? now : null,
        ],
      );
      await q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at) VALUES ($1, $2, $3, $4)', [
        school.schoolId,
        u?.id,
        roleIds[teacher ? 'teacher' : 'office_staff'],
        now,
      ]);
    }
  });
});
afterAll(() => s?.close());

describe('access review requirements before they bite', () => {
  it('the start form learns that a second reviewer is needed before it submits', async () => {
    const preview = async (query: string) => (await admin.get(`/api/access-reviews/preview${query}`)).body;
    // The administrator reviews alone and holds a role in scope: a second reviewer is needed.
    expect(await preview('')).toMatchObject({ reviewerHoldsRights: true, secondReviewerNeeded: true, items: 18 });
    expect(await preview(`?secondReviewerId=${principalId}`)).toMatchObject({ secondReviewerNeeded: false });
    // Only the teachers' role: the administrator holds none of it, so nobody else is needed.
    expect(await preview(`?roleIds=${roleIds.teacher}`)).toMatchObject({
      reviewerHoldsRights: false,
      secondReviewerNeeded: false,
      items: 12,
    });
    // The principal reviews: the administrator who starts it decides about the principal.
    expect(await preview(`?reviewerId=${principalId}`)).toMatchObject({ secondReviewerNeeded: false });
    // The start itself refuses what the preview said.
    const due = new Date(s.clock.now().getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
    expect((await admin.post('/api/access-reviews', { name: 'Alone', dueOn: due })).body.code).toBe('own_review');
    expect((await admin.get('/api/access-reviews/preview?roleIds=nonsense')).status).toBe(400);
  });

  it('starts the review with the principal as second reviewer', async () => {
    const due = new Date(s.clock.now().getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
    const r = await admin.post('/api/access-reviews', { name: 'Bulk review 2026', dueOn: due, secondReviewerId: principalId });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    reviewId = r.body.id;
    const d = await detail();
    expect(d.items).toHaveLength(18);
    expect(d.requirements).toEqual({ undecided: 18, leavesNoAdministrator: false });
  });
});

describe('bulk decisions', () => {
  let keepBatch = '';
  let clerkBatch = '';

  it('keeps every item without a recommendation in one request, one audit record per decision', async () => {
    const r = await admin.post(`/api/access-reviews/${reviewId}/decisions`, {
      decision: 'keep',
      reason: 'duties unchanged',
      recommendation: 'none',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // The 12 teachers and the principal; not the administrator's own item, which is the principal's to decide.
    expect(r.body.decided).toBe(13);
    keepBatch = r.body.batchId;
    const d = await detail();
    const own = d.items.find((i) => i.username === 'admin1');
    expect(own?.decision).toBeNull();
    expect(d.items.filter((i) => i.batchId === keepBatch)).toHaveLength(13);
    expect(d.batches.find((b) => b.id === keepBatch)).toMatchObject({ items: 13, decision: 'keep', selection: { recommendation: 'none' } });
    expect(await auditCount('access_reviews.decided', keepBatch)).toBe(13);
    // Asked again, nothing is left to take.
    const again = await admin.post(`/api/access-reviews/${reviewId}/decisions`, {
      decision: 'keep',
      reason: 'again',
      recommendation: 'none',
    });
    expect(again.body).toEqual({ batchId: null, decided: 0 });
  });

  it('removes every holding of a role in one request', async () => {
    const r = await admin.post(`/api/access-reviews/${reviewId}/decisions`, {
      decision: 'remove',
      reason: 'idle for a year',
      roleId: roleIds.office_staff,
    });
    expect(r.body.decided).toBe(4);
    clerkBatch = r.body.batchId;
    const d = await detail();
    expect(d.items.filter((i) => i.roleId === roleIds.office_staff).every((i) => i.decision === 'remove')).toBe(true);
    expect(d.requirements.undecided).toBe(1);
  });

  it('a reviewer cannot bulk-decide their own holdings: filters pass over them, naming them is refused', async () => {
    const byRole = await admin.post(`/api/access-reviews/${reviewId}/decisions`, {
      decision: 'keep',
      reason: 'still the administrator',
      roleId: roleIds.system_admin,
    });
    expect(byRole.body.decided).toBe(0);
    const own = (await detail()).items.find((i) => i.username === 'admin1');
    const named = await admin.post(`/api/access-reviews/${reviewId}/decisions`, {
      decision: 'keep',
      reason: 'still the administrator',
      itemIds: [own?.id],
    });
    expect(named.status).toBe(403);
    expect(named.body.code).toBe('own_review');
    // Someone else's items named one by one: refused, nothing decided.
    const teacher = (await detail()).items.find((i) => i.username === 'bulkteacher01');
    const others = await principal.post(`/api/access-reviews/${reviewId}/decisions`, {
      decision: 'remove',
      reason: 'not mine to decide',
      itemIds: [teacher?.id],
    });
    expect(others.body.code).toBe('forbidden');
    expect((await detail()).items.find((i) => i.username === 'bulkteacher01')?.decision).toBe('keep');
    // A bulk decision needs something chosen.
    expect((await admin.post(`/api/access-reviews/${reviewId}/decisions`, { decision: 'keep', reason: 'everything' })).status).toBe(400);
  });

  it('shows before completion that the removals would leave no administrator', async () => {
    const r = await principal.post(`/api/access-reviews/${reviewId}/decisions`, {
      decision: 'remove',
      reason: 'testing the warning',
      roleId: roleIds.system_admin,
    });
    expect(r.body.decided).toBe(1);
    const d = await detail();
    expect(d.requirements).toEqual({ undecided: 0, leavesNoAdministrator: true });
    expect((await admin.post(`/api/access-reviews/${reviewId}/complete`)).body.code).toBe('last_admin');
    // The principal takes it back, and keeps the administrator instead.
    expect((await principal.post(`/api/access-reviews/${reviewId}/batches/${r.body.batchId}/undo`)).body).toEqual({ undone: 1 });
    expect((await detail()).requirements).toEqual({ undecided: 1, leavesNoAdministrator: false });
    const own = (await detail()).items.find((i) => i.username === 'admin1');
    expect(
      (await principal.put(`/api/access-reviews/${reviewId}/items/${own?.id}`, { decision: 'keep', reason: 'administrator' })).status,
    ).toBe(204);
  });

  it('undoes a bulk decision before completion: its items are undecided again, audited once each', async () => {
    // Only whoever made it may undo it.
    expect((await principal.post(`/api/access-reviews/${reviewId}/batches/${clerkBatch}/undo`)).body.code).toBe('forbidden');
    const r = await admin.post(`/api/access-reviews/${reviewId}/batches/${clerkBatch}/undo`);
    expect(r.body).toEqual({ undone: 4 });
    const d = await detail();
    expect(d.items.filter((i) => i.roleId === roleIds.office_staff).every((i) => i.decision === null && i.batchId === null)).toBe(true);
    expect(d.batches.some((b) => b.id === clerkBatch)).toBe(false);
    expect(d.requirements.undecided).toBe(4);
    expect(await auditCount('access_reviews.decision_undone', clerkBatch)).toBe(4);
    // Once is enough.
    expect((await admin.post(`/api/access-reviews/${reviewId}/batches/${clerkBatch}/undo`)).body.code).toBe('conflict');
  });

  it('a single decision is a batch of one, undone the same way', async () => {
    const clerk = (await detail()).items.find((i) => i.username === 'bulkclerk13');
    expect(
      (await admin.put(`/api/access-reviews/${reviewId}/items/${clerk?.id}`, { decision: 'keep', reason: 'still needed' })).status,
    ).toBe(204);
    const batch = (await detail()).items.find((i) => i.username === 'bulkclerk13')?.batchId;
    expect(batch).toBeTruthy();
    expect((await admin.post(`/api/access-reviews/${reviewId}/batches/${batch}/undo`)).body).toEqual({ undone: 1 });
  });

  it('after completion nothing is decided or undone in bulk', async () => {
    const r = await admin.post(`/api/access-reviews/${reviewId}/decisions`, {
      decision: 'remove',
      reason: 'idle for a year',
      recommendation: 'inactive',
    });
    expect(r.body.decided).toBe(4);
    expect((await admin.post(`/api/access-reviews/${reviewId}/complete`)).status).toBe(204);
    const undo = await admin.post(`/api/access-reviews/${reviewId}/batches/${keepBatch}/undo`);
    expect(undo.status).toBe(409);
    expect(undo.body.code).toBe('review_closed');
    const bulk = await admin.post(`/api/access-reviews/${reviewId}/decisions`, {
      decision: 'keep',
      reason: 'late',
      recommendation: 'none',
    });
    expect(bulk.body.code).toBe('review_closed');
    const d = await detail();
    expect(d.status).toBe('completed');
    expect(d.items.filter((i) => i.decision === 'keep')).toHaveLength(14);
    // The removals were applied: the clerks hold no role now.
    const users = (await admin.get('/api/admin/users?q=bulkclerk')).body.users as { roleIds: string[] }[];
    expect(users).toHaveLength(4);
    expect(users.every((u) => u.roleIds.length === 0)).toBe(true);
  });
});
