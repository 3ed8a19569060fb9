import type { Actor } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import type { Queryable } from '../../../core/db/types.js';
import { type NetworkPolicy, decideNetwork, readPolicy } from '../network.js';
import { assertNotLockedOut } from '../policy.js';
import { listRoleIdsOf } from '../queries/network.js';

/** What network administration uses: the service deps and the process's policy cache, told of every change. */
export type NetworkDeps = AuthDeps & { policy: NetworkPolicy };

/** The policy may not be set so that the person changing it is refused right away (read inside the change's transaction). */
export async function assertStillLetIn(q: Queryable, a: Actor, now: Date): Promise<void> {
  const policy = await readPolicy(q, a.schoolId);
  assertNotLockedOut(decideNetwork(policy, await listRoleIdsOf(q, a.userId), a.ip, now));
}
