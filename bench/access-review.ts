/**
 * `npm run bench:access`: an access-review campaign over 150 staff × 3 roles, completed (all
 * removals applied in one transaction) through the real route; target under 1 s. Both databases.
 */

import { KINDS, type Kind, benchSchool, label } from './helpers.js';

async function one(kind: Kind) {
  const b = await benchSchool(kind);
  const { server, call } = b;
  const me = { user: { id: b.userId } };
  const schoolId = b.schoolId;
  let principalId = '';
  // 150 staff with 3 roles each, straight into the tables (the bench measures the campaign, not user creation).
  await server.deps.db.schoolTx(schoolId, async (q) => {
    const roles = (
      await q.query<{ id: string }>(`SELECT id FROM roles WHERE template_key IN ('teacher', 'panel_head', 'office_staff')`)
    ).map((r) => r.id);
    const users = await q.query<{ id: string }>(
      `INSERT INTO users (school_id, username, display_name_en, password_hash, password_changed_at, created_at)
       SELECT $1, 'staff' || g, 'Staff Member ' || g, 'x', now(), now() FROM generate_series(1, 150) AS g RETURNING id`,
      [schoolId],
    );
    await q.query(
      `INSERT INTO user_roles (school_id, user_id, role_id, granted_at) SELECT $1, u, r, now() FROM unnest($2::uuid[]) AS u, unnest($3::uuid[]) AS r`,
      [schoolId, users.map((u) => u.id), roles],
    );
    // The principal reviews the administrator's own rights.
    await q.query(
      `INSERT INTO user_roles (school_id, user_id, role_id, granted_at) SELECT $1, $2, id, now() FROM roles WHERE template_key = 'principal'`,
      [schoolId, users[0]?.id],
    );
    principalId = users[0]?.id ?? '';
  });
  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const t0 = performance.now();
  const { id } = await call('POST', '/api/access-reviews', {
    name: 'Bench review',
    dueOn: due,
    roleIds: [],
    secondReviewerId: principalId,
  });
  const t1 = performance.now();
  // Decisions straight in the table (one in three removed); the bench times starting and applying.
  await server.deps.db.system((q) =>
    q.query(
      `UPDATE access_review_items SET decision = CASE WHEN random() < 0.34 THEN 'remove' ELSE 'keep' END, reason = 'bench', decided_at = now(), decided_by = reviewer_id
             WHERE review_id = $1 AND user_id <> $2 AND user_id <> $3`,
      [id, me.user.id, principalId],
    ),
  );
  await server.deps.db.system((q) =>
    q.query(
      `UPDATE access_review_items SET decision = 'keep', reason = 'bench', decided_at = now(), decided_by = reviewer_id WHERE review_id = $1 AND user_id IN ($2, $3)`,
      [id, me.user.id, principalId],
    ),
  );
  const detail = await call('GET', `/api/access-reviews/${id}`);
  const t2 = performance.now();
  await call('POST', `/api/access-reviews/${id}/complete`, {});
  const t3 = performance.now();
  console.log(
    `== ${label(kind)}: ${detail.total} items (150 staff × 3 roles, the principal and the administrator), ${detail.removals} removals`,
  );
  console.log(`start campaign: ${(t1 - t0).toFixed(0)} ms; complete and apply: ${(t3 - t2).toFixed(0)} ms (target < 1000 ms)\n`);
  await b.close();
}

for (const k of KINDS) await one(k);
process.exit(0);
