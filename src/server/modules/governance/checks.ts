import { PRIVILEGED_PERMISSIONS, SECURITY_PERMISSIONS } from '../../core/auth/permissions.js';
import { annualReview } from '../../core/checks/evaluators.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';
import { hongKongDate } from '../../core/clock.js';
import { activeHoldersOfAny, privilegedLimit, ssoPolicy } from './queries/checks.js';

/** The platform's own memo checks (accounts and sign-in); each module registers its own the same way. */
export function registerFoundationChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.S1.admin-mfa',
    memo: 'S1',
    owner: 'users.manage',
    linkPermission: 'users.read',
    async evaluate({ q }): Promise<CheckResult> {
      // The break-glass account has no second factor by design; memo.S1.privileged-passwords watches it.
      const rows = (await activeHoldersOfAny(q, SECURITY_PERMISSIONS)).filter((r) => !r.break_glass);
      const missing = rows.filter((r) => !r.enrolled).map((r) => r.username);
      const link = '/admin/users';
      return missing.length
        ? {
            status: 'attention',
            summaryKey: 'checks.adminMfa.missing',
            params: { count: missing.length, names: missing.join(', ') },
            evidence: missing,
            link,
          }
        : { status: 'ok', summaryKey: 'checks.adminMfa.ok', params: { count: rows.length }, evidence: rows.map((r) => r.username), link };
    },
  });

  registry.register({
    key: 'memo.U1.privileged-count',
    memo: 'U1',
    owner: 'roles.assign',
    linkPermission: 'users.read',
    async evaluate({ q, schoolId }): Promise<CheckResult> {
      const names = (await activeHoldersOfAny(q, PRIVILEGED_PERMISSIONS)).map((r) => r.username);
      const limit = (await privilegedLimit(q, schoolId)) ?? 3;
      const over = names.length > limit;
      return {
        status: over ? 'attention' : 'ok',
        summaryKey: over ? 'checks.privilegedCount.over' : 'checks.privilegedCount.ok',
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
    linkPermission: 'sso.manage',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const s = await ssoPolicy(q, schoolId);
      const link = '/admin/sso';
      const params = {
        enabled: s?.enabled ? 'on' : 'off',
        required: s?.required ?? 0,
        allowed: s?.allowed ?? 0,
        date: s?.reviewed ? hongKongDate(s.reviewed) : '',
      };
      const review = annualReview(s?.reviewed ?? null, now);
      const summaryKey = { never: 'checks.ssoPolicy.never', ok: 'checks.ssoPolicy.ok', due: 'checks.ssoPolicy.due' }[review.state];
      return { status: review.status, summaryKey, params, link, due: review.due };
    },
  });
}
