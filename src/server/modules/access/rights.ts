import type { Actor } from '../../core/auth/actor.js';
import { PRIVILEGED_PERMISSIONS, isPrivilegedPermission } from '../../core/auth/permissions.js';
import type { AuthDeps } from '../../core/auth/service.js';
import type { Queryable } from '../../core/db/types.js';
import { securityEvent } from '../../core/notify/notify.js';
import { assertAdminRemains as assertSomeAdmin } from './policy.js';
import { countFullHolders } from './queries/roles.js';

/** Rights-changing steps shared by user administration, the role editor, access reviews and handover. */

/** Someone active must keep every system-administrator right (memo U1: the school is never left without one). */
export async function assertAdminRemains(q: Queryable): Promise<void> {
  assertSomeAdmin(await countFullHolders(q, PRIVILEGED_PERMISSIONS));
}

/** Tell the security notification list when system-administrator rights are given or taken away. */
export async function announcePrivilegeChange(
  d: AuthDeps,
  q: Queryable,
  a: Actor,
  username: string,
  permissions: string[],
  change: 'granted' | 'removed',
): Promise<void> {
  if (!permissions.some(isPrivilegedPermission)) return;
  await securityEvent(q, d.clock, d.smtpConfigured, {
    schoolId: a.schoolId,
    event: 'privileged_changed',
    titleKey: change === 'granted' ? 'notifications.privilegedGranted' : 'notifications.privilegedRemoved',
    params: { username },
    subject: `System-administrator rights ${change} / 系統管理權限變更: ${username}`,
    body: `${a.username} ${change} system-administrator rights ${change === 'granted' ? 'to' : 'from'} ${username}.\n${a.username} 變更了 ${username} 的系統管理權限。`,
    idemKey: `privileged:${change}:${username}:${d.clock.now().toISOString()}`,
    fallbackPermission: 'roles.assign',
  });
}
