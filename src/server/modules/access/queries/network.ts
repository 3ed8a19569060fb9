import type { Queryable } from '../../../core/db/types.js';

export interface ZoneRangesRow {
  id: string;
  cidrs: string[];
}

export interface ProfileHoursRow {
  id: string;
  weekdays: number[];
  start_minute: number;
  end_minute: number;
  on_holidays: string;
}

export interface NetworkRuleRow {
  role_id: string;
  zone_id: string | null;
  time_profile_id: string | null;
}

export interface NetworkSettingsRow {
  network_policy_enabled: boolean;
  network_policy_reviewed_at: Date | null;
}

export interface ZoneRow {
  id: string;
  name_zh: string;
  name_en: string;
  cidrs: string[];
}

export interface TimeProfileRow {
  id: string;
  name_zh: string;
  name_en: string;
  weekdays: number[];
  start_minute: number;
  end_minute: number;
  on_holidays: 'as_usual' | 'closed';
}

export interface HolidayRow {
  day: string;
  name_zh: string;
  name_en: string;
}

export interface NetworkPolicyStateRow {
  enabled: boolean;
  reviewed: Date | null;
  zones: number;
}

// ---- What the gate evaluates ----

export async function findPolicyEnabled(q: Queryable, schoolId: string): Promise<boolean> {
  const [s] = await q.query<{ network_policy_enabled: boolean }>('SELECT network_policy_enabled FROM schools WHERE id = $1', [schoolId]);
  return !!s?.network_policy_enabled;
}

export async function listZoneRanges(q: Queryable): Promise<ZoneRangesRow[]> {
  return q.query<ZoneRangesRow>('SELECT id, cidrs FROM network_zones');
}

export async function listProfileHours(q: Queryable): Promise<ProfileHoursRow[]> {
  return q.query<ProfileHoursRow>('SELECT id, weekdays, start_minute, end_minute, on_holidays FROM time_profiles');
}

export async function listHolidayDays(q: Queryable): Promise<string[]> {
  return (await q.query<{ day: string }>('SELECT day::text FROM school_holidays')).map((h) => h.day);
}

export async function listNetworkRules(q: Queryable): Promise<NetworkRuleRow[]> {
  return q.query<NetworkRuleRow>('SELECT role_id, zone_id, time_profile_id FROM role_network_rules');
}

/** The roles a person holds now (the gate decides by them). */
export async function listRoleIdsOf(q: Queryable, userId: string): Promise<string[]> {
  return (await q.query<{ role_id: string }>('SELECT role_id FROM user_roles WHERE user_id = $1', [userId])).map((r) => r.role_id);
}

// ---- Administration ----

export async function findNetworkSettings(q: Queryable, schoolId: string): Promise<NetworkSettingsRow | undefined> {
  const [s] = await q.query<NetworkSettingsRow>('SELECT network_policy_enabled, network_policy_reviewed_at FROM schools WHERE id = $1', [
    schoolId,
  ]);
  return s;
}

export async function listZones(q: Queryable): Promise<ZoneRow[]> {
  return q.query<ZoneRow>('SELECT id, name_zh, name_en, cidrs FROM network_zones ORDER BY name_en');
}

export async function listTimeProfiles(q: Queryable): Promise<TimeProfileRow[]> {
  return q.query<TimeProfileRow>(
    'SELECT id, name_zh, name_en, weekdays, start_minute, end_minute, on_holidays FROM time_profiles ORDER BY name_en',
  );
}

export async function listHolidays(q: Queryable): Promise<HolidayRow[]> {
  return q.query<HolidayRow>('SELECT day::text, name_zh, name_en FROM school_holidays ORDER BY day');
}

export async function listNetworkRulesByRole(q: Queryable): Promise<NetworkRuleRow[]> {
  return q.query<NetworkRuleRow>('SELECT role_id, zone_id, time_profile_id FROM role_network_rules ORDER BY role_id');
}

/** The CIDRs of every zone (a new zone may not overlap them). */
export async function listZoneCidrs(q: Queryable): Promise<string[][]> {
  return (await q.query<{ cidrs: string[] }>('SELECT cidrs FROM network_zones')).map((z) => z.cidrs);
}

export async function insertZone(
  q: Queryable,
  z: { schoolId: string; nameZh: string; nameEn: string; cidrs: string[]; at: Date },
): Promise<{ id: string } | undefined> {
  const [row] = await q.query<{ id: string }>(
    'INSERT INTO network_zones (school_id, name_zh, name_en, cidrs, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [z.schoolId, z.nameZh, z.nameEn, z.cidrs, z.at],
  );
  return row;
}

/** Returns the deleted zone's English name, or undefined when there was none. */
export async function deleteZone(q: Queryable, id: string): Promise<{ name_en: string } | undefined> {
  const [gone] = await q.query<{ name_en: string }>('DELETE FROM network_zones WHERE id = $1 RETURNING name_en', [id]);
  return gone;
}

export interface NewTimeProfile {
  schoolId: string;
  nameZh: string;
  nameEn: string;
  weekdays: number[];
  startMinute: number;
  endMinute: number;
  onHolidays: 'as_usual' | 'closed';
}

export async function insertTimeProfile(q: Queryable, p: NewTimeProfile): Promise<{ id: string } | undefined> {
  const [row] = await q.query<{ id: string }>(
    'INSERT INTO time_profiles (school_id, name_zh, name_en, weekdays, start_minute, end_minute, on_holidays) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [p.schoolId, p.nameZh, p.nameEn, p.weekdays, p.startMinute, p.endMinute, p.onHolidays],
  );
  return row;
}

/** The tables a network rule refers to. */
export type RuleTarget = 'roles' | 'network_zones' | 'time_profiles';

/** How many of these ids exist in the table (the table name comes from the fixed list above, never from input). */
export async function countExisting(q: Queryable, table: RuleTarget, ids: string[]): Promise<number> {
  const [n] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE id = ANY($1)`, [ids]);
  return n?.n ?? 0;
}

export async function deleteNetworkRules(q: Queryable): Promise<void> {
  await q.query('DELETE FROM role_network_rules');
}

export async function insertNetworkRule(
  q: Queryable,
  r: { schoolId: string; roleId: string; zoneId: string | null; timeProfileId: string | null },
): Promise<void> {
  await q.query(
    'INSERT INTO role_network_rules (school_id, role_id, zone_id, time_profile_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [r.schoolId, r.roleId, r.zoneId, r.timeProfileId],
  );
}

export async function setPolicyEnabled(q: Queryable, schoolId: string, enabled: boolean): Promise<void> {
  await q.query('UPDATE schools SET network_policy_enabled = $2 WHERE id = $1', [schoolId, enabled]);
}

export async function deleteHolidays(q: Queryable): Promise<void> {
  await q.query('DELETE FROM school_holidays');
}

export async function insertHoliday(q: Queryable, h: { schoolId: string; day: string; nameZh: string; nameEn: string }): Promise<void> {
  await q.query('INSERT INTO school_holidays (school_id, day, name_zh, name_en) VALUES ($1, $2, $3, $4)', [
    h.schoolId,
    h.day,
    h.nameZh,
    h.nameEn,
  ]);
}

export async function markPolicyReviewed(q: Queryable, schoolId: string, at: Date): Promise<void> {
  await q.query('UPDATE schools SET network_policy_reviewed_at = $2 WHERE id = $1', [schoolId, at]);
}

/** Memo U2: whether the policy is on, when it was last reviewed, and how many zones it has. */
export async function findNetworkPolicyState(q: Queryable, schoolId: string): Promise<NetworkPolicyStateRow | undefined> {
  const [s] = await q.query<NetworkPolicyStateRow>(
    'SELECT network_policy_enabled AS enabled, network_policy_reviewed_at AS reviewed, (SELECT count(*) FROM network_zones) AS zones FROM schools WHERE id = $1',
    [schoolId],
  );
  return s;
}
