import type { AuthDeps } from '../../../core/auth/service.js';
import { listUsers as listUserRows } from '../queries/users.js';
import { toUserView } from '../views.js';

/** Every account of the school, with the roles each holds now. */
export async function listUsers(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) => listUserRows(q));
  return rows.map(toUserView);
}
