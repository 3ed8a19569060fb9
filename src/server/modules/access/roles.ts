import type { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import type { AccessQuery, MemberBody, RoleBody } from '../../../contracts/admin.js';
import { audit } from '../../core/audit/audit.js';
import { CATALOGUE } from '../../core/auth/permissions.js';
import type { AuthDeps } from '../../core/auth/service.js';
import { type Clock, hongKongDate } from '../../core/clock.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import type { Job } from '../../core/scheduler/scheduler.js';
import type { SessionStore } from '../../core/auth/sessions.js';
import { announcePrivilegeChange, assertAdminRemains, keysOf, lacks } from './rules.js';

/** Today's date in Hong Kong, from the injected clock. */
export const hkToday = (clock: Clock): string => hongKongDate(clock.now());

type Grant = { key: string; scope: 'school' | 'own_classes' };
const pairs = (grants: Grant[]) => grants.map((g) => `${g.key}:${g.scope}`);

/** Every grant names a catalogue permission; only scoped permissions may be limited to own classes. */
function checkGrants(grants: Grant[]): Grant[] {
  const seen = new Map<string, Grant>();
  for (const g of grants) {
    const def = CATALOGUE.get(g.key);
    if (!def) throw new AppError('validation_failed', { errors: [{ path: '/grants', code: 'unknown_permission' }] });
    if (g.scope === 'own_classes' && !def.scoped)
      throw new AppError('validation_failed', { errors: [{ path: '/grants', code: 'scope_not_allowed' }] });
    seen.set(g.key, g);
  }
  return [...seen.values()];
}

async function lockSchool(q: Queryable, schoolId: string) {
  // Changes of rights in one school happen one at a time (no two admins removing each other).
  await q.query('SELECT id FROM schools WHERE id = $1 FOR UPDATE', [schoolId]);
}

async function grantsOf(q: Queryable, roleId: string): Promise<Grant[]> {
  return q.query<Grant>('SELECT permission AS key, scope FROM role_permissions WHERE role_id = $1 ORDER BY permission', [roleId]);
}

async function roleRow(q: Queryable, id: string) {
  const [r] = await q.query<{ id: string; template_key: string | null; name_zh: string; name_en: string }>(
    'SELECT id, template_key, name_zh, name_en FROM roles WHERE id = $1 FOR UPDATE',
    [id],
  );
  if (!r) throw new AppError('not_found');
  return r;
}

export async function getRole(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string) {
  return d.db.school(schoolId, async (q) => {
    const [r] = await q.query<{ id: string; template_key: string | null; name_zh: string; name_en: string }>(
      'SELECT id, template_key, name_zh, name_en FROM roles WHERE id = $1',
      [id],
    );
    if (!r) throw new AppError('not_found');
    const members = await q.query<{
      user_id: string;
      username: string;
      display_name_en: string;
      display_name_zh: string | null;
      starts_on: string | null;
      ends_on: string | null;
      planned: boolean;
    }>(
      `SELECT ur.user_id, u.username, u.display_name_en, u.display_name_zh, NULL AS starts_on, ur.ends_on::text, false AS planned
         FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE ur.role_id = $1
       UNION ALL
       SELECT p.user_id, u.username, u.display_name_en, u.display_name_zh, p.starts_on::text, p.ends_on::text, true
         FROM planned_role_grants p JOIN users u ON u.id = p.user_id WHERE p.role_id = $1
       ORDER BY username`,
      [id],
    );
    return {
      id: r.id,
      key: r.template_key,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      grants: await grantsOf(q, id),
      members: members.map((m) => ({
        userId: m.user_id,
        username: m.username,
        displayName: m.display_name_zh ? `${m.display_name_en} ${m.display_name_zh}` : m.display_name_en,
        startsOn: m.starts_on,
        endsOn: m.ends_on,
        planned: m.planned,
      })),
    };
  });
}

/** A new role; its rights must all be held by its author (no minting rights one lacks). */
export async function createRole(d: AuthDeps, a: Actor, body: z.infer<typeof RoleBody>): Promise<string> {
  const grants = checkGrants(body.grants);
  if (lacks(a, pairs(grants))) throw new AppError('grant_not_held');
  return d.db.schoolTx(a.schoolId, async (q) => {
    const [r] = await q.query<{ id: string }>(
      'INSERT INTO roles (school_id, name_zh, name_en, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [a.schoolId, body.nameZh, body.nameEn, d.clock.now()],
    );
    if (!r) throw new Error('role not created');
    if (grants.length) {
      await q.query(
        'INSERT INTO role_permissions (school_id, role_id, permission, scope) SELECT $1, $2, k, s FROM unnest($3::text[], $4::text[]) AS x(k, s)',
        [a.schoolId, r.id, grants.map((g) => g.key), grants.map((g) => g.scope)],
      );
    }
    await audit(q, d.clock, {
      ...who(a),
      action: 'roles.created',
      target: `role:${r.id}`,
      details: { nameEn: body.nameEn, grants: pairs(grants) },
    });
    return r.id;
  });
}

/** Copy a role's rights (not its members) under a new name. */
export async function copyRole(d: AuthDeps, a: Actor, id: string, names: { nameZh: string; nameEn: string }): Promise<string> {
  const grants = await d.db.school(a.schoolId, async (q) => {
    const [r] = await q.query('SELECT id FROM roles WHERE id = $1', [id]);
    if (!r) throw new AppError('not_found');
    return grantsOf(q, id);
  });
  return createRole(d, a, { ...names, grants });
}

/** Change a role's names and rights. Every right added or removed must be held; members get new sessions. */
export async function updateRole(d: AuthDeps, a: Actor, id: string, body: z.infer<typeof RoleBody>): Promise<void> {
  const grants = checkGrants(body.grants);
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    await lockSchool(q, a.schoolId);
    const r = await roleRow(q, id);
    const before = pairs(await grantsOf(q, id));
    const after = pairs(grants);
    const added = after.filter((p) => !before.includes(p));
    const removed = before.filter((p) => !after.includes(p));
    if (lacks(a, [...added, ...removed])) throw new AppError('grant_not_held');
    await q.query('UPDATE roles SET name_zh = $2, name_en = $3, updated_at = $4 WHERE id = $1', [
      id,
      body.nameZh,
      body.nameEn,
      d.clock.now(),
    ]);
    await q.query('DELETE FROM role_permissions WHERE role_id = $1', [id]);
    if (grants.length) {
      await q.query(
        'INSERT INTO role_permissions (school_id, role_id, permission, scope) SELECT $1, $2, k, s FROM unnest($3::text[], $4::text[]) AS x(k, s)',
        [a.schoolId, id, grants.map((g) => g.key), grants.map((g) => g.scope)],
      );
    }
    await assertAdminRemains(q);
    await audit(q, d.clock, {
      ...who(a),
      action: 'roles.updated',
      target: `role:${id}`,
      details: { name: { before: r.name_en, after: body.nameEn }, added, removed },
    });
    const members = await q.query<{ user_id: string; username: string }>(
      'SELECT ur.user_id, u.username FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE ur.role_id = $1',
      [id],
    );
    const out: Buffer[] = [];
    for (const m of members) {
      out.push(...(await d.sessions.rightsChanged(q, m.user_id)));
      await announcePrivilegeChange(d, q, a, m.username, keysOf(added), 'granted');
      await announcePrivilegeChange(d, q, a, m.username, keysOf(removed), 'removed');
    }
    return out;
  });
  await d.sessions.forget(hashes);
}

export async function deleteRole(d: AuthDeps, a: Actor, id: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await roleRow(q, id);
    if (r.template_key) throw new AppError('conflict'); // the memo's role templates stay
    const [m] = await q.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM user_roles WHERE role_id = $1) + (SELECT count(*) FROM planned_role_grants WHERE role_id = $1) AS n',
      [id],
    );
    if ((m?.n ?? 0) > 0) throw new AppError('conflict');
    await q.query('DELETE FROM roles WHERE id = $1', [id]);
    await audit(q, d.clock, { ...who(a), action: 'roles.deleted', target: `role:${id}`, details: { nameEn: r.name_en } });
  });
}

/** Give a person a role, now or from a date, optionally until a date. */
export async function addMember(d: AuthDeps, a: Actor, roleId: string, b: z.infer<typeof MemberBody>): Promise<void> {
  if (b.startsOn && b.endsOn && b.endsOn < b.startsOn) throw new AppError('dates_out_of_order');
  const today = hkToday(d.clock);
  if (b.endsOn && b.endsOn < today) throw new AppError('dates_out_of_order');
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    await lockSchool(q, a.schoolId);
    await roleRow(q, roleId);
    if (lacks(a, pairs(await grantsOf(q, roleId)))) throw new AppError('grant_not_held');
    const [u] = await q.query<{ id: string; username: string }>('SELECT id, username FROM users WHERE id = $1', [b.userId]);
    if (!u) throw new AppError('not_found');
    const now = d.clock.now();
    if (b.startsOn && b.startsOn > today) {
      await q.query(
        `INSERT INTO planned_role_grants (school_id, user_id, role_id, starts_on, ends_on, granted_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id, role_id, starts_on) DO UPDATE SET ends_on = EXCLUDED.ends_on`,
        [a.schoolId, u.id, roleId, b.startsOn, b.endsOn ?? null, a.userId, now],
      );
      await audit(q, d.clock, {
        ...who(a),
        action: 'roles.member_added',
        target: `role:${roleId}`,
        details: { user: u.username, startsOn: b.startsOn, endsOn: b.endsOn ?? null, planned: true },
      });
      return [];
    }
    await q.query(
      `INSERT INTO user_roles (school_id, user_id, role_id, granted_at, granted_by, ends_on) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id, role_id) DO UPDATE SET ends_on = EXCLUDED.ends_on`,
      [a.schoolId, u.id, roleId, now, a.userId, b.endsOn ?? null],
    );
    await audit(q, d.clock, {
      ...who(a),
      action: 'roles.member_added',
      target: `role:${roleId}`,
      details: { user: u.username, endsOn: b.endsOn ?? null },
    });
    await announcePrivilegeChange(d, q, a, u.username, keysOf(pairs(await grantsOf(q, roleId))), 'granted');
    return d.sessions.rightsChanged(q, u.id);
  });
  await d.sessions.forget(hashes);
}

export async function removeMember(d: AuthDeps, a: Actor, roleId: string, userId: string): Promise<void> {
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    await lockSchool(q, a.schoolId);
    await roleRow(q, roleId);
    const grants = pairs(await grantsOf(q, roleId));
    if (lacks(a, grants)) throw new AppError('grant_not_held');
    const gone = await q.query<{ user_id: string }>('DELETE FROM user_roles WHERE role_id = $1 AND user_id = $2 RETURNING user_id', [
      roleId,
      userId,
    ]);
    const planned = await q.query('DELETE FROM planned_role_grants WHERE role_id = $1 AND user_id = $2 RETURNING id', [roleId, userId]);
    if (!gone.length && !planned.length) throw new AppError('not_found');
    await assertAdminRemains(q);
    const [u] = await q.query<{ username: string }>('SELECT username FROM users WHERE id = $1', [userId]);
    await audit(q, d.clock, {
      ...who(a),
      action: 'roles.member_removed',
      target: `role:${roleId}`,
      details: { user: u?.username ?? userId },
    });
    if (!gone.length) return [];
    await announcePrivilegeChange(d, q, a, u?.username ?? userId, keysOf(grants), 'removed');
    return d.sessions.rightsChanged(q, userId);
  });
  await d.sessions.forget(hashes);
}

/** Who can do what: per permission or per person, with the roles that give it. */
export async function accessMatrix(d: Pick<AuthDeps, 'db'>, schoolId: string, f: z.infer<typeof AccessQuery>) {
  const rows = await d.db.school(schoolId, (q) =>
    q.query<{
      user_id: string;
      username: string;
      display_name_en: string;
      display_name_zh: string | null;
      permission: string;
      scope: 'school' | 'own_classes';
      roles: string[];
    }>(
      `SELECT u.id AS user_id, u.username, u.display_name_en, u.display_name_zh, rp.permission,
              CASE WHEN bool_or(rp.scope = 'school') THEN 'school' ELSE 'own_classes' END AS scope,
              array_agg(DISTINCT r.name_en ORDER BY r.name_en) AS roles
       FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id JOIN role_permissions rp ON rp.role_id = r.id
       WHERE u.status = 'active' AND ($1::text IS NULL OR rp.permission = $1) AND ($2::uuid IS NULL OR u.id = $2)
       GROUP BY u.id, u.username, u.display_name_en, u.display_name_zh, rp.permission
       ORDER BY rp.permission, u.username`,
      [f.permission ?? null, f.userId ?? null],
    ),
  );
  return rows.map((r) => ({
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name_zh ? `${r.display_name_en} ${r.display_name_zh}` : r.display_name_en,
    permission: r.permission,
    scope: r.scope,
    roles: r.roles,
  }));
}

/** Put planned assignments in force on their start date and let lapsed ones go, once a day (idempotent). */
export function roleDatesJob(d: { clock: Clock; sessions: SessionStore }): Job {
  return {
    name: 'role-dates',
    everyMs: 15 * 60_000,
    async run({ db }) {
      const today = hkToday(d.clock);
      const schools = await db.system((q) => q.query<{ id: string }>('SELECT id FROM schools'));
      for (const { id } of schools) {
        const hashes = await db.schoolTx(id, async (q) => {
          const out: Buffer[] = [];
          const due = await q.query<{ id: string; user_id: string; role_id: string; ends_on: string | null; granted_by: string | null }>(
            'DELETE FROM planned_role_grants WHERE starts_on <= $1 RETURNING id, user_id, role_id, ends_on::text, granted_by',
            [today],
          );
          for (const g of due) {
            await q.query(
              `INSERT INTO user_roles (school_id, user_id, role_id, granted_at, granted_by, ends_on) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (user_id, role_id) DO UPDATE SET ends_on = EXCLUDED.ends_on`,
              [id, g.user_id, g.role_id, d.clock.now(), g.granted_by, g.ends_on],
            );
            await audit(q, d.clock, {
              schoolId: id,
              action: 'roles.member_started',
              target: `role:${g.role_id}`,
              details: { user: g.user_id },
            });
            out.push(...(await d.sessions.rightsChanged(q, g.user_id)));
          }
          const lapsed = await q.query<{ user_id: string; role_id: string }>(
            'DELETE FROM user_roles WHERE ends_on < $1 RETURNING user_id, role_id',
            [today],
          );
          for (const l of lapsed) {
            await audit(q, d.clock, {
              schoolId: id,
              action: 'roles.member_lapsed',
              target: `role:${l.role_id}`,
              details: { user: l.user_id },
            });
            out.push(...(await d.sessions.rightsChanged(q, l.user_id)));
          }
          return out;
        });
        await d.sessions.forget(hashes);
      }
    },
  };
}
