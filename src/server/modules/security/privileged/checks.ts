import { SECURITY_PERMISSIONS } from '../../../core/auth/permissions.js';
import type { CheckRegistry, CheckResult } from '../../../core/checks/registry.js';
import { DEFAULT_ROTATION_DAYS, accountStanding } from './policy.js';
import { findRotationDays, listPrivilegedAccounts } from './queries.js';

/**
 * `memo.S1.privileged-passwords`: shared and break-glass passwords within the school's rotation
 * period, the break-glass account sealed and unused since (or resealed after use), and no privileged
 * account with a required change past its deadline. Names the accounts that need someone to act.
 */
export function registerPrivilegedChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.S1.privileged-passwords',
    memo: 'S1',
    owner: 'users.manage',
    linkPermission: 'security.read',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const days = (await findRotationDays(q, schoolId)) ?? DEFAULT_ROTATION_DAYS;
      const rows = await listPrivilegedAccounts(q, SECURITY_PERMISSIONS);
      const standing = rows.map((r) => ({ name: r.username, ...accountStanding(r, now, days) }));
      const overdue = standing.filter((s) => s.status === 'overdue').map((s) => s.name);
      const attention = standing.filter((s) => s.status === 'attention').map((s) => s.name);
      const link = '/security/accounts';
      const params = { count: rows.length, days };
      if (overdue.length)
        return {
          status: 'overdue',
          summaryKey: 'checks.privilegedPasswords.overdue',
          params: { ...params, names: overdue.join(', '), others: attention.length },
          evidence: [...overdue, ...attention],
          link,
        };
      if (attention.length)
        return {
          status: 'attention',
          summaryKey: 'checks.privilegedPasswords.attention',
          params: { ...params, names: attention.join(', ') },
          evidence: attention,
          link,
        };
      if (!rows.some((r) => r.account_kind === 'break_glass'))
        return { status: 'attention', summaryKey: 'checks.privilegedPasswords.noBreakGlass', params, evidence: [], link };
      return { status: 'ok', summaryKey: 'checks.privilegedPasswords.ok', params, evidence: rows.map((r) => r.username), link };
    },
  });
}
