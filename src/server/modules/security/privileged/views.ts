import type { z } from 'zod';
import type { PrivilegedAccountView } from '../../../../contracts/privileged.js';
import { accountStanding, breakGlassState, changeDeadline, passwordDue } from './policy.js';
import type { PrivilegedAccountRow } from './queries.js';

export function toPrivilegedAccountView(r: PrivilegedAccountRow, now: Date, rotationDays: number): z.infer<typeof PrivilegedAccountView> {
  const standing = accountStanding(r, now, rotationDays);
  return {
    id: r.id,
    username: r.username,
    displayNameEn: r.display_name_en,
    displayNameZh: r.display_name_zh,
    kind: r.account_kind,
    mfaEnrolled: !!r.mfa_enrolled_at,
    passwordChangedAt: r.password_changed_at.toISOString(),
    passwordDue: passwordDue(r.account_kind, r.password_changed_at, rotationDays)?.toISOString() ?? null,
    changeDeadline: changeDeadline(r)?.toISOString() ?? null,
    breakGlass: r.account_kind === 'break_glass' ? breakGlassState(r) : null,
    sealedAt: r.sealed_at?.toISOString() ?? null,
    usedAt: r.break_glass_used_at?.toISOString() ?? null,
    lastLoginAt: r.last_login_at?.toISOString() ?? null,
    status: standing.status,
    reasons: standing.reasons,
  };
}
