import { PRIVILEGED_PERMISSIONS, isPrivilegedPermission } from '../../core/auth/permissions.js';
import type { AuthDeps } from '../../core/auth/service.js';
import type { Actor } from '../../core/auth/actor.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { securityEvent } from '../../core/notify/notify.js';

/** Rules shared by user administration and the role editor. */
/** What a set of roles grants: each permission as `key:scope` (scope: school | own_classes). */
export async function permissionsOfRoles(q: Queryable, roleIds: string[]): Promise<{ found: number; permissions: string[] }> {
  if (roleIds.length === 0) return { found: 0, permissions: [] };
  const [r] = await q.query<{ found: number; permissions: string[] | null }>(
    `SELECT (SELECT count(*) FROM roles WHERE id = ANY($1)) AS found,
            (SELECT array_agg(DISTINCT permission || ':' || scope) FROM role_permissions WHERE role_id = ANY($1)) AS permissions`,
    [roleIds],
  );
  return { found: r?.found ?? 0, permissions: r?.permissions ?? [] };
}

/**
 * Nobody grants (or takes away, or takes over) what they do not hold — scope included: holding a
 * permission for one's own classes does not allow granting it for the whole school.
 */
export function lacks(a: Actor, pairs: string[]): boolean {
  return pairs.some((pair) => {
    const [p, scope] = pair.split(':') as [string, string | undefined];
    return !a.permissions.has(p) || (scope === 'school' && a.ownClassesOnly.has(p));
  });
}
export const keysOf = (pairs: string[]) => pairs.map((p) => p.split(':')[0] as string);

/** At least one active person must keep the right to assign roles. */
/** Someone active must keep every system-administrator right (memo U1: the school is never left without one). */
export async function assertAdminRemains(q: Queryable): Promise<void> {
  const [r] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM (
       SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
       WHERE rp.permission = ANY($1) AND u.status = 'active' GROUP BY u.id HAVING count(DISTINCT rp.permission) = $2) full_admins`,
    [PRIVILEGED_PERMISSIONS, PRIVILEGED_PERMISSIONS.length],
  );
  if ((r?.n ?? 0) < 1) throw new AppError('last_admin');
}

export async function announcePrivilegeChange(
  d: AuthDeps,
  q: Queryable,
  a: Actor,
  username: string,
  permissions: string[],
  change: 'granted' | 'removed',
) {
  if (!permissions.some(isPrivilegedPermission)) return;
  await securityEvent(q, d.clock, d.smtpConfigured, {
    schoolId: a.schoolId,
    event: 'privileged_changed',
    titleKey: 'notifications.privilegedGranted',
    params: { username },
    subject: `System-administrator rights ${change} / 系統管理權限變更: ${username}`,
    body: `${a.username} ${change} system-administrator rights ${change === 'granted' ? 'to' : 'from'} ${username}.\n${a.username} 變更了 ${username} 的系統管理權限。`,
    idemKey: `privileged:${change}:${username}:${d.clock.now().toISOString()}`,
    fallbackPermission: 'roles.assign',
  });
}
