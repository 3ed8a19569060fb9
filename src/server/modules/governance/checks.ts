import { PRIVILEGED_PERMISSIONS, SECURITY_PERMISSIONS } from '../../core/auth/permissions.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';

/** The first two memo checks; later modules register theirs the same way. */
export function registerFoundationChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.S1.admin-mfa',
    memo: 'S1',
    owner: 'users.manage',
    async evaluate({ q }): Promise<CheckResult> {
      const rows = await q.query<{ username: string; enrolled: boolean }>(
        `SELECT DISTINCT u.username, u.mfa_enrolled_at IS NOT NULL AS enrolled FROM users u
         JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
         WHERE rp.permission = ANY($1) AND u.status = 'active' ORDER BY u.username`,
        [SECURITY_PERMISSIONS],
      );
      const missing = rows.filter((r) => !r.enrolled).map((r) => r.username);
      return missing.length
        ? {
            status: 'attention',
            summaryKey: 'checks.adminMfa.missing',
            params: { count: missing.length, names: missing.join(', ') },
            evidence: missing,
            link: '/admin/users',
          }
        : {
            status: 'ok',
            summaryKey: 'checks.adminMfa.ok',
            params: { count: rows.length },
            evidence: rows.map((r) => r.username),
            link: '/admin/users',
          };
    },
  });

  registry.register({
    key: 'memo.U1.privileged-count',
    memo: 'U1',
    owner: 'roles.assign',
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

  registry.register({
    key: 'memo.U2.sso-policy',
    memo: 'U2',
    owner: 'sso.manage',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const [s] = await q.query<{ enabled: boolean; reviewed: Date | null; required: number; allowed: number }>(
        `SELECT sso_enabled AS enabled, sso_reviewed_at AS reviewed,
                (SELECT count(*) FROM users WHERE sso_mode = 'required' AND status = 'active') AS required,
                (SELECT count(*) FROM users WHERE sso_mode = 'allowed' AND status = 'active') AS allowed
         FROM schools WHERE id = $1`,
        [schoolId],
      );
      const link = '/admin/sso';
      const params = {
        enabled: s?.enabled ? 'on' : 'off',
        required: s?.required ?? 0,
        allowed: s?.allowed ?? 0,
        date: s?.reviewed?.toISOString().slice(0, 10) ?? '',
      };
      if (!s?.reviewed) return { status: 'attention', summaryKey: 'checks.ssoPolicy.never', params, link };
      const days = (now.getTime() - s.reviewed.getTime()) / 86_400_000;
      const due = new Date(s.reviewed.getTime() + 365 * 86_400_000);
      if (days <= 365) return { status: 'ok', summaryKey: 'checks.ssoPolicy.ok', params, link, due };
      return { status: days > 396 ? 'overdue' : 'attention', summaryKey: 'checks.ssoPolicy.due', params, link, due };
    },
  });
}
