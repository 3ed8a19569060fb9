import type { z } from 'zod';
import type { UserList, UserQuery } from '../../../../contracts/admin.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { countUsersMatching, listUsers as listUserRows, type UserFilter } from '../queries/users.js';
import { toUserView } from '../views.js';

/** Search words: at most five, so a pasted paragraph does not become a long query. */
const words = (q: string | undefined) => (q ?? '').split(/\s+/).filter(Boolean).slice(0, 5);

/** The school's accounts that match the search and filters, one page at a time, with the roles each holds now. */
export async function listUsers(
  d: Pick<AuthDeps, 'db' | 'clock'>,
  schoolId: string,
  f: z.infer<typeof UserQuery>,
): Promise<z.infer<typeof UserList>> {
  const filter: UserFilter = {
    words: words(f.q),
    roleId: f.roleId,
    status: f.status,
    mfa: f.mfa,
    kind: f.kind,
    ssoMode: f.ssoMode,
    now: d.clock.now(),
  };
  return d.db.school(schoolId, async (q) => {
    const rows = await listUserRows(q, filter, { limit: f.limit, offset: f.offset });
    const total = f.offset === 0 && rows.length < f.limit ? rows.length : await countUsersMatching(q, filter);
    return { users: rows.map(toUserView), total };
  });
}
