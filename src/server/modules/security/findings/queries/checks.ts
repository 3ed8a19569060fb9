import type { PermissionKey } from '../../../../../contracts/permissions.js';
import type { Queryable } from '../../../../core/db/types.js';

/** What the security checks read: accounts, staff, sign-ins, sessions, zones and the school's key. Each runs on the school's connection. */

export interface PersonRow {
  id: string;
  username: string;
  name: string;
}
const PERSON = `u.id, u.username, coalesce(u.display_name_zh || ' ' || u.display_name_en, u.display_name_en) AS name`;

/**
 * Active accounts with no sign-in since `before` (never signed in: counted from when the account was
 * made). Not the sealed break-glass account: it is meant never to sign in (memo S1).
 */
export async function listDormant(q: Queryable, before: Date): Promise<(PersonRow & { last_login_at: Date | null })[]> {
  return q.query(
    `SELECT ${PERSON}, u.last_login_at FROM users u
      WHERE u.status = 'active' AND u.account_kind <> 'break_glass' AND coalesce(u.last_login_at, u.created_at) < $1 ORDER BY u.username`,
    [before],
  );
}

/** Active accounts of staff recorded as left, or whose leave date has passed. */
export async function listLeaversEnabled(q: Queryable, today: string): Promise<(PersonRow & { leave_date: string | null })[]> {
  return q.query(
    `SELECT ${PERSON}, to_char(s.leave_date, 'YYYY-MM-DD') AS leave_date FROM staff s JOIN users u ON u.id = s.user_id
      WHERE u.status = 'active' AND (s.status = 'left' OR s.leave_date < $1::date) ORDER BY u.username`,
    [today],
  );
}

/** Active people holding any of the permissions, with whether they have enrolled an authenticator and are the break-glass account. */
export async function listHoldersOfAny(
  q: Queryable,
  permissions: readonly PermissionKey[],
): Promise<(PersonRow & { enrolled: boolean; break_glass: boolean })[]> {
  return q.query(
    `SELECT DISTINCT ${PERSON}, u.mfa_enrolled_at IS NOT NULL AS enrolled, u.account_kind = 'break_glass' AS break_glass FROM users u
       JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
      WHERE rp.permission = ANY($1) AND u.status = 'active' ORDER BY u.username`,
    [permissions],
  );
}

export interface SchoolFactsRow {
  privileged_limit: number;
  key_created_at: Date;
  /** The school's key rotation period, once the key's lifecycle (migration 0027) gives schools one; null before. */
  rotation_months: number | null;
}
/** Read through to_jsonb so the rotation period is picked up when its column exists, and null (the default applies) before. */
export async function findSchoolFacts(q: Queryable, schoolId: string): Promise<SchoolFactsRow | undefined> {
  const [s] = await q.query<SchoolFactsRow>(
    `SELECT s.privileged_limit, s.key_created_at, (to_jsonb(s) ->> 'key_rotation_months')::int AS rotation_months FROM schools s WHERE s.id = $1`,
    [schoolId],
  );
  return s;
}

/** Failed sign-ins and second-factor codes per person in the school's audit chain since `since`. */
export async function countFailedSignins(q: Queryable, schoolId: string, since: Date): Promise<(PersonRow & { n: number })[]> {
  return q.query(
    `SELECT ${PERSON}, f.n FROM (
       SELECT actor_id, count(*)::int AS n FROM audit_log
        WHERE chain_id = $1 AND occurred_at >= $2 AND action IN ('auth.login_failed', 'auth.mfa_failed') AND actor_id IS NOT NULL
        GROUP BY actor_id) f JOIN users u ON u.id = f.actor_id
      ORDER BY f.n DESC, u.username`,
    [schoolId, since],
  );
}

export interface SigninAddressRow {
  user_id: string;
  source: string;
  last_success_at: Date;
}
export async function listSigninAddresses(q: Queryable): Promise<SigninAddressRow[]> {
  return q.query<SigninAddressRow>('SELECT user_id, source, last_success_at FROM signin_addresses');
}

export interface ZoneRow {
  id: string;
  name_zh: string;
  name_en: string;
  cidrs: string[];
}
export async function listZones(q: Queryable): Promise<ZoneRow[]> {
  return q.query<ZoneRow>('SELECT id, name_zh, name_en, cidrs FROM network_zones ORDER BY name_en');
}

export interface KnownZoneRow {
  user_id: string;
  zone: string;
  first_seen_at: Date;
}
export async function listKnownZones(q: Queryable): Promise<KnownZoneRow[]> {
  return q.query<KnownZoneRow>('SELECT user_id, zone, first_seen_at FROM security_signin_zones');
}

/** Remember zones seen for the first time (a pair already known keeps its first sighting). */
export async function insertKnownZones(q: Queryable, schoolId: string, rows: { userId: string; zone: string; at: Date }[]): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `INSERT INTO security_signin_zones (school_id, user_id, zone, first_seen_at)
     SELECT $1, u, z, a FROM unnest($2::uuid[], $3::text[], $4::timestamptz[]) AS t(u, z, a)
     ON CONFLICT (user_id, zone) DO NOTHING`,
    [schoolId, rows.map((r) => r.userId), rows.map((r) => r.zone), rows.map((r) => r.at)],
  );
}

export async function findPeople(q: Queryable, ids: readonly string[]): Promise<PersonRow[]> {
  return q.query<PersonRow>(`SELECT ${PERSON} FROM users u WHERE u.id = ANY($1)`, [ids]);
}

/** People with more live sessions than `limit`. */
export async function listSessionHeavy(
  q: Queryable,
  idleSince: Date,
  absSince: Date,
  limit: number,
): Promise<(PersonRow & { n: number })[]> {
  return q.query(
    `SELECT ${PERSON}, s.n FROM (
       SELECT user_id, count(*)::int AS n FROM sessions WHERE last_seen_at >= $1 AND created_at >= $2 GROUP BY user_id HAVING count(*) > $3
     ) s JOIN users u ON u.id = s.user_id ORDER BY s.n DESC`,
    [idleSince, absSince, limit],
  );
}

/** Sessions still stored well past their idle or absolute limit (the cleanup job is not removing them). */
export async function countStaleSessions(q: Queryable, idleBefore: Date, absBefore: Date): Promise<number> {
  const [r] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE last_seen_at < $1 OR created_at < $2', [
    idleBefore,
    absBefore,
  ]);
  return r?.n ?? 0;
}
