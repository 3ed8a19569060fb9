import type { z } from 'zod';
import type { PrivilegedAccountList } from '../../../../contracts/privileged.js';
import { SECURITY_PERMISSIONS } from '../../../core/auth/permissions.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { DEFAULT_ROTATION_DAYS } from './policy.js';
import { findRotationDays, listPrivilegedAccounts } from './queries.js';
import { toPrivilegedAccountView } from './views.js';

/** The school's privileged accounts with their kind, second factor, password age and the break-glass seal (memo S1). */
export async function listPrivileged(d: Pick<AuthDeps, 'db' | 'clock'>, schoolId: string): Promise<z.infer<typeof PrivilegedAccountList>> {
  const now = d.clock.now();
  return d.db.school(schoolId, async (q) => {
    const rotationDays = (await findRotationDays(q, schoolId)) ?? DEFAULT_ROTATION_DAYS;
    const rows = await listPrivilegedAccounts(q, SECURITY_PERMISSIONS);
    return {
      rotationDays,
      breakGlassExists: rows.some((r) => r.account_kind === 'break_glass'),
      accounts: rows.map((r) => toPrivilegedAccountView(r, now, rotationDays)),
    };
  });
}
