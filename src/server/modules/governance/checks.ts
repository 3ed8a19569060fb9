import { PRIVILEGED_PERMISSIONS, SECURITY_PERMISSIONS } from '../../core/auth/permissions.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';

/** The first two memo checks; later modules register theirs the same way. */
export function registerFoundationChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.S1.admin-mfa',
    memo: 'S1',
    async evaluate({ q }): Promise<CheckResult> {
      const rows = await q.query<{ username: string; enrolled: boolean }>(
        `SELECT DISTINCT u.username, u.mfa_enrolled_at IS NOT NULL AS enrolled FROM users u
         JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
         WHERE rp.permission = ANY($1) AND u.status = 'active' ORDER BY u.username`,
        [SECURITY_PERMISSIONS],
      );
      const missing = rows.filter((r) => !r.enrolled).map((r) => r.username);
      return missing.length
        ? { status: 'attention', summaryKey: 'checks.adminMfa.missing', params: { count: missing.length, names: missing.join(', ') }, evidence: missing, link: '/admin/users' }
        : { status: 'ok', summaryKey: 'checks.adminMfa.ok', params: { count: rows.length }, evidence: rows.map((r) => r.username), link: '/admin/users' };
    },
  });

  registry.register({
    key: 'memo.U1.privileged-count',
    memo: 'U1',
    async evaluate({ q, schoolId }) {
      const rows = await q.query<{ username: string }>(
        `SELECT DISTINCT u.username FROM users u JOIN user_roles ur ON ur.user_id = u.id
         JOIN role_permissions rp ON rp.role_id = ur.role_id
         WHERE rp.permission = ANY($1) AND u.status = 'active' ORDER BY u.username`,
        [PRIVILEGED_PERMISSIONS],
      );
      const [s] = await q.query<{ privileged_limit: number }>('SELECT privileged_limit FROM schools WHERE id = $1', [schoolId]);
      const limit = s?.privileged_limit ?? 3;
      const names = rows.map((r) => r.username);
      return {
        status: names.length > limit ? 'attention' : 'ok',
        summaryKey: names.length > limit ? 'checks.privilegedCount.over' : 'checks.privilegedCount.ok',
        params: { count: names.length, limit },
        evidence: names,
        link: '/admin/users',
      };
    },
  });
}
