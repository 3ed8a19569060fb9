import type { z } from 'zod';
import type { PermissionKey } from '../../../../contracts/permissions.js';
import type { CheckRunView, FindingView, PostureView } from '../../../../contracts/security-findings.js';
import type { FindingCheckKey } from './checks/types.js';
import type { FindingRow, PostureRow, RunRow } from './queries/store.js';

export function toFindingView(r: FindingRow, people: string[]): z.infer<typeof FindingView> {
  return {
    id: r.id,
    check: r.check_key as FindingCheckKey,
    severity: r.severity,
    params: r.params,
    status: r.status,
    firstSeenAt: r.first_seen_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    fixedAt: r.fixed_at?.toISOString() ?? null,
    accepted:
      r.status === 'accepted' && r.accepted_reason && r.accepted_until && r.accepted_at
        ? { reason: r.accepted_reason, until: r.accepted_until.toISOString(), by: r.accepted_by_name, at: r.accepted_at.toISOString() }
        : null,
    reviewedAt: r.reviewed_at?.toISOString() ?? null,
    reviewedBy: r.reviewed_by_name,
    owner: { permission: r.owner as PermissionKey, people },
  };
}

export function toRunView(r: RunRow): z.infer<typeof CheckRunView> {
  return {
    at: r.ran_at.toISOString(),
    trigger: r.trigger,
    tookMs: r.took_ms,
    failed: r.failed as FindingCheckKey[],
    unmonitored: r.unmonitored as z.infer<typeof CheckRunView>['unmonitored'],
    open: { high: r.open_high, medium: r.open_medium, low: r.open_low },
    newFindings: r.new_findings,
    fixedFindings: r.fixed_findings,
  };
}

export const toPostureDay = (r: PostureRow): z.infer<typeof PostureView>['days'][number] => ({
  day: r.day,
  high: r.high,
  medium: r.medium,
  low: r.low,
});
