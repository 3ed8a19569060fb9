import type { PermissionKey } from '../../../../contracts/permissions.js';
import type { Queryable } from '../../../core/db/types.js';

/** The school's people as the exchange names them: holders of its rights, principals, addresses. */

/** How many of `ids` are active and hold `permission` through a role. */
export async function countActiveHolders(q: Queryable, ids: string[], permission: PermissionKey): Promise<number> {
  const [n] = await q.query<{ n: number }>(
    `SELECT count(DISTINCT u.id)::int AS n FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
     WHERE u.id = ANY($1) AND u.status = 'active' AND rp.permission = $2`,
    [ids, permission],
  );
  return n?.n ?? 0;
}

export interface ContactRow {
  id: string;
  email: string | null;
}

/** The principal(s): holders of the principal template role. */
export async function listPrincipals(q: Queryable): Promise<ContactRow[]> {
  return q.query<ContactRow>(
    `SELECT DISTINCT u.id, u.email FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id WHERE r.template_key = 'principal' AND u.status = 'active'`,
  );
}

export async function listActiveContacts(q: Queryable): Promise<ContactRow[]> {
  return q.query<ContactRow>(`SELECT id, email FROM users WHERE status = 'active'`);
}

export interface ExchangePersonRow {
  id: string;
  name: string;
  prepare: boolean;
  approve: boolean;
}

/** The active people who may be named in a procedure: holders of exchange.prepare or exchange.approve. */
export async function listExchangePeople(q: Queryable): Promise<ExchangePersonRow[]> {
  return q.query<ExchangePersonRow>(
    `SELECT u.id, coalesce(u.display_name_zh, u.display_name_en) AS name, bool_or(rp.permission = 'exchange.prepare') AS prepare, bool_or(rp.permission = 'exchange.approve') AS approve
       FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
       WHERE u.status = 'active' AND rp.permission IN ('exchange.prepare', 'exchange.approve') GROUP BY u.id ORDER BY name`,
  );
}
