import type { z } from 'zod';
import type { UserCreateBody } from '../../../../contracts/admin.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import { checkPassword } from '../../../core/auth/password.js';
import { type AuthDeps, hashFor } from '../../../core/auth/service.js';
import { uniqueViolation } from '../../../core/db/unique.js';
import { AppError } from '../../../core/errors.js';
import { keysOf } from '../common.js';
import { assertMayGrant } from '../policy.js';
import { permissionsOfRoles } from '../queries/roles.js';
import { insertUser, insertUserRole } from '../queries/users.js';
import { announcePrivilegeChange } from '../rights.js';

/** A new account with an initial password it must change, and roles whose every right the administrator holds. */
export async function createUser(d: AuthDeps, a: Actor, body: z.infer<typeof UserCreateBody>): Promise<string> {
  const policy = checkPassword(body.password, [body.username, body.displayNameEn, body.displayNameZh, body.email?.split('@')[0]]);
  if (policy) throw new AppError(policy);
  const hash = await hashFor(d, body.password);
  const now = d.clock.now();
  const roleIds = [...new Set(body.roleIds)];
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const roles = await permissionsOfRoles(q, body.roleIds);
      if (roles.found !== roleIds.length) throw new AppError('not_found');
      assertMayGrant(a, roles.permissions);
      const u = await insertUser(q, {
        schoolId: a.schoolId,
        username: body.username,
        displayNameZh: body.displayNameZh ?? null,
        displayNameEn: body.displayNameEn,
        email: body.email ?? null,
        passwordHash: hash,
        at: now,
      });
      if (!u) throw new Error('user not created');
      for (const roleId of roleIds) await insertUserRole(q, { schoolId: a.schoolId, userId: u.id, roleId, at: now, grantedBy: a.userId });
      await audit(q, d.clock, {
        ...who(a),
        action: 'users.created',
        target: `user:${u.id}`,
        details: { username: body.username, roles: roleIds },
      });
      await announcePrivilegeChange(d, q, a, body.username, keysOf(roles.permissions), 'granted');
      return u.id;
    });
  } catch (err) {
    throw uniqueViolation(err, { users_school_username_key: 'username_taken' });
  }
}
