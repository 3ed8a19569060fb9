import type { CheckRegistry, CheckResult } from '../../../core/checks/registry.js';
import { hongKongDate } from '../../../core/clock.js';
import { findKeyCheckState } from '../queries/key.js';
import { keyCheck } from './policy.js';

/** Memo S1, the school key: changed within the school's period, recovery shares issued and confirmed. */
export function registerKeyChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.S1.school-key',
    memo: 'S1',
    owner: 'school_key.manage',
    linkPermission: 'security.read',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const s = await findKeyCheckState(q, schoolId);
      if (!s) return { status: 'attention', summaryKey: 'checks.schoolKey.noShares', link: '/security/key' };
      const r = keyCheck(
        { createdAt: s.key_created_at, months: s.key_rotation_months, issued: s.issued, confirmed: s.confirmed, threshold: s.threshold },
        now,
      );
      return {
        ...r,
        params: {
          date: hongKongDate(s.key_created_at),
          due: hongKongDate(r.due),
          months: s.key_rotation_months,
          version: s.version,
          issued: s.issued,
          confirmed: s.confirmed,
        },
        link: '/security/key',
      };
    },
  });
}
