import type { PermissionKey } from '../../../../contracts/permissions.js';
import type { Queryable } from '../../../core/db/types.js';

/** The governance module's SQL: what its foundation checks read. */

export interface HolderRow {
  username: string;
  enrolled: boolean;
  /** The sealed break-glass account: no second factor by design (memo S1, docs/security-model.md). */
  break_glass: boolean;
}

/** Active people holding any of the permissions, with whether they have enrolled an authenticator. */
export async function activeHoldersOfAny(q: Queryable, permissions: readonly PermissionKey[]): Promise<HolderRow[]> {
  return q.query<HolderRow>(
    `SELECT DISTINCT u.username, u.mfa_enrolled_at IS NOT NULL AS enrolled, u.account_kind = 'break_glass' AS break_glass FROM users u
     JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
     WHERE rp.permission = ANY($1) AND u.status = 'active' ORDER BY u.username`,
    [permissions],
  );
}

export async function privilegedLimit(q: Queryable, schoolId: string): Promise<number | undefined> {
  const [s] = await q.query<{ privileged_limit: number }>('SELECT privileged_limit FROM schools WHERE id = $1', [schoolId]);
  return s?.privileged_limit;
}

export interface SsoPolicyRow {
  enabled: boolean;
  reviewed: Date | null;
  required: number;
  allowed: number;
}

export async function ssoPolicy(q: Queryable, schoolId: string): Promise<SsoPolicyRow | undefined> {
  const [s] = await q.query<SsoPolicyRow>(
    `SELECT sso_enabled AS enabled, sso_reviewed_at AS reviewed,
            (SELECT count(*) FROM users WHERE sso_mode = 'required' AND status = 'active') AS required,
            (SELECT count(*) FROM users WHERE sso_mode = 'allowed' AND status = 'active') AS allowed
     FROM schools WHERE id = $1`,
    [schoolId],
  );
  return s;
}
