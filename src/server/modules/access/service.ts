import type { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import type { UserCreateBody } from '../../../contracts/admin.js';
import { audit } from '../../core/audit/audit.js';
import { checkPassword } from '../../core/auth/password.js';
import { CATALOGUE, type OrgKind, heldBy } from '../../core/auth/permissions.js';
import { type AuthDeps, hashFor } from '../../core/auth/service.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { uniqueToAppError } from '../../core/setup/service.js';
import { announcePrivilegeChange, assertAdminRemains, keysOf, lacks, permissionsOfRoles } from './rules.js';

export async function listUsers(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) =>
    q.query<{
      id: string;
      username: string;
      display_name_zh: string | null;
      display_name_en: string;
      email: string | null;
      status: 'active' | 'disabled';
      locked_until: Date | null;
      mfa_enrolled_at: Date | null;
      must_change_password: boolean;
      last_login_at: Date | null;
      role_ids: string[] | null;
    }>(
      `SELECT u.id, u.username, u.display_name_zh, u.display_name_en, u.email, u.status, u.locked_until, u.mfa_enrolled_at,
              u.must_change_password, u.last_login_at, (SELECT array_agg(role_id) FROM user_roles ur WHERE ur.user_id = u.id) AS role_ids
       FROM users u ORDER BY u.username LIMIT 5000`,
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayNameZh: r.display_name_zh,
    displayNameEn: r.display_name_en,
    email: r.email,
    status: r.status,
    lockedUntil: r.locked_until?.toISOString() ?? null,
    mfaEnrolled: !!r.mfa_enrolled_at,
    mustChangePassword: r.must_change_password,
    lastLoginAt: r.last_login_at?.toISOString() ?? null,
    roleIds: r.role_ids ?? [],
  }));
}

export async function listRoles(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) =>
    q.query<{ id: string; template_key: string | null; name_zh: string; name_en: string; permissions: string[] | null; members: number }>(
      `SELECT r.id, r.template_key, r.name_zh, r.name_en,
              (SELECT array_agg(permission ORDER BY permission) FROM role_permissions rp WHERE rp.role_id = r.id) AS permissions,
              (SELECT count(*) FROM user_roles ur WHERE ur.role_id = r.id) AS members
       FROM roles r ORDER BY r.created_at, r.name_en`,
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    key: r.template_key,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    permissions: r.permissions ?? [],
    memberCount: r.members,
  }));
}

export async function createUser(d: AuthDeps, a: Actor, body: z.infer<typeof UserCreateBody>): Promise<string> {
  const policy = checkPassword(body.password, [body.username, body.displayNameEn, body.displayNameZh, body.email?.split('@')[0]]);
  if (policy) throw new AppError(policy);
  const hash = await hashFor(d, body.password);
  const now = d.clock.now();
  try {
    const { id, hashes } = await d.db.schoolTx(a.schoolId, async (q) => {
      const roles = await permissionsOfRoles(q, body.roleIds);
      if (roles.found !== new Set(body.roleIds).size) throw new AppError('not_found');
      if (lacks(a, roles.permissions)) throw new AppError('grant_not_held');
      const [u] = await q.query<{ id: string }>(
        `INSERT INTO users (school_id, username, display_name_zh, display_name_en, email, password_hash, password_changed_at, must_change_password, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, true, $7) RETURNING id`,
        [a.schoolId, body.username, body.displayNameZh ?? null, body.displayNameEn, body.email ?? null, hash, now],
      );
      if (!u) throw new Error('user not created');
      for (const roleId of new Set(body.roleIds)) {
        await q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5)', [
          a.schoolId,
          u.id,
          roleId,
          now,
          a.userId,
        ]);
      }
      await audit(q, d.clock, {
        ...who(a),
        action: 'users.created',
        target: `user:${u.id}`,
        details: { username: body.username, roles: [...new Set(body.roleIds)] },
      });
      await announcePrivilegeChange(d, q, a, body.username, keysOf(roles.permissions), 'granted');
      return { id: u.id, hashes: [] as Buffer[] };
    });
    await d.sessions.forget(hashes);
    return id;
  } catch (err) {
    throw uniqueToAppError(err);
  }
}

/** Acting on an account (reset, unlock) needs every right that account holds: no taking over a stronger one. */
async function assertOutranks(q: Queryable, a: Actor, userId: string): Promise<void> {
  const rows = await q.query<{ permission: string }>(
    `SELECT DISTINCT rp.permission || ':' || rp.scope AS permission FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id WHERE ur.user_id = $1`,
    [userId],
  );
  if (
    lacks(
      a,
      rows.map((r) => r.permission),
    )
  )
    throw new AppError('grant_not_held');
}

async function targetUser(q: Queryable, id: string) {
  const [u] = await q.query<{
    id: string;
    username: string;
    display_name_en: string;
    display_name_zh: string | null;
    email: string | null;
  }>('SELECT id, username, display_name_en, display_name_zh, email FROM users WHERE id = $1 FOR UPDATE', [id]);
  if (!u) throw new AppError('not_found');
  return u;
}

export async function unlockUser(d: AuthDeps, a: Actor, userId: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const u = await targetUser(q, userId);
    await assertOutranks(q, a, u.id);
    await q.query('UPDATE users SET locked_until = NULL WHERE id = $1', [u.id]);
    await q.query('DELETE FROM auth_failures WHERE user_id = $1', [u.id]);
    await audit(q, d.clock, { ...who(a), action: 'users.unlocked', target: `user:${u.id}`, details: { username: u.username } });
  });
}

/** An administrator sets a new password; the person must change it at next sign-in, and is signed out everywhere. */
export async function resetPassword(d: AuthDeps, a: Actor, userId: string, newPassword: string): Promise<void> {
  const u0 = await d.db.school(a.schoolId, (q) =>
    q.query<{ username: string; display_name_en: string; display_name_zh: string | null; email: string | null }>(
      'SELECT username, display_name_en, display_name_zh, email FROM users WHERE id = $1',
      [userId],
    ),
  );
  const found = u0[0];
  if (!found) throw new AppError('not_found');
  const policy = checkPassword(newPassword, [found.username, found.display_name_en, found.display_name_zh, found.email?.split('@')[0]]);
  if (policy) throw new AppError(policy);
  const hash = await hashFor(d, newPassword);
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    const u = await targetUser(q, userId);
    await assertOutranks(q, a, u.id);
    await q.query(
      `UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = true, locked_until = NULL, version = version + 1 WHERE id = $1`,
      [u.id, hash, d.clock.now()],
    );
    const rows = await q.query<{ token_hash: Buffer }>('DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash', [u.id]);
    await audit(q, d.clock, {
      ...who(a),
      action: 'users.password_reset',
      target: `user:${u.id}`,
      details: { username: u.username, sessionsEnded: rows.length },
    });
    return rows.map((r) => Buffer.from(r.token_hash));
  });
  await d.sessions.forget(hashes);
}

export async function setUserRoles(d: AuthDeps, a: Actor, userId: string, roleIds: string[]): Promise<void> {
  const wanted = [...new Set(roleIds)];
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    // One role change at a time per school, so two administrators cannot remove each other's rights at once.
    await q.query('SELECT id FROM schools WHERE id = $1 FOR UPDATE', [a.schoolId]);
    const u = await targetUser(q, userId);
    const current = (await q.query<{ role_id: string }>('SELECT role_id FROM user_roles WHERE user_id = $1', [u.id])).map((r) => r.role_id);
    const added = wanted.filter((r) => !current.includes(r));
    const removed = current.filter((r) => !wanted.includes(r));
    if (!added.length && !removed.length) return [];
    const addedPerms = await permissionsOfRoles(q, added);
    if (addedPerms.found !== added.length) throw new AppError('not_found');
    const removedPerms = await permissionsOfRoles(q, removed);
    // Granting needs the granter to hold every right granted; so does taking rights away.
    if (lacks(a, [...addedPerms.permissions, ...removedPerms.permissions])) throw new AppError('grant_not_held');
    const now = d.clock.now();
    if (removed.length) await q.query('DELETE FROM user_roles WHERE user_id = $1 AND role_id = ANY($2)', [u.id, removed]);
    for (const roleId of added) {
      await q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5)', [
        a.schoolId,
        u.id,
        roleId,
        now,
        a.userId,
      ]);
    }
    await assertAdminRemains(q);
    await audit(q, d.clock, {
      ...who(a),
      action: 'users.roles_changed',
      target: `user:${u.id}`,
      details: { username: u.username, added, removed },
    });
    await announcePrivilegeChange(d, q, a, u.username, keysOf(addedPerms.permissions), 'granted');
    await announcePrivilegeChange(d, q, a, u.username, keysOf(removedPerms.permissions), 'removed');
    return d.sessions.rightsChanged(q, u.id);
  });
  await d.sessions.forget(hashes);
}

export async function getSettings(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const [r] = await d.db.school(schoolId, (q) =>
    q.query<{ privileged_limit: number }>('SELECT privileged_limit FROM schools WHERE id = $1', [schoolId]),
  );
  if (!r) throw new AppError('not_found');
  return { privilegedLimit: r.privileged_limit };
}

export async function putSettings(d: AuthDeps, a: Actor, s: { privilegedLimit: number }) {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const [old] = await q.query<{ privileged_limit: number }>('SELECT privileged_limit FROM schools WHERE id = $1 FOR UPDATE', [
      a.schoolId,
    ]);
    await q.query('UPDATE schools SET privileged_limit = $2 WHERE id = $1', [a.schoolId, s.privilegedLimit]);
    await audit(q, d.clock, {
      ...who(a),
      action: 'school.settings_changed',
      target: `school:${a.schoolId}`,
      details: { before: { privilegedLimit: old?.privileged_limit }, after: s },
    });
  });
}

/** The permissions this kind of organisation can hold: a school never sees the authorities' and vice versa. */
export async function permissionCatalogue(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const [o] = await d.db.school(schoolId, (q) => q.query<{ kind: OrgKind }>('SELECT kind FROM schools WHERE id = $1', [schoolId]));
  const kind = o?.kind ?? 'school';
  return [...CATALOGUE.values()]
    .filter((p) => heldBy(p, kind))
    .map((p) => ({ key: p.key, module: p.module, security: !!p.security, privileged: !!p.privileged }));
}

export * from './roles.js';
export * from './reviews.js';
export * from './network.js';
export * from './notification-list.js';
export * from './handover.js';
