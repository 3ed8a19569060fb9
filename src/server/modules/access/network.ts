import ipaddr from 'ipaddr.js';
import { type Actor, who } from '../../core/auth/actor.js';
import type { z } from 'zod';
import type { NetworkRulesBody, TimeProfileBody, ZoneBody } from '../../../contracts/admin.js';
import { audit } from '../../core/audit/audit.js';
import type { NetworkGate, NetworkVerdict } from '../../core/auth/network-gate.js';
import type { AuthDeps } from '../../core/auth/service.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';
import type { Database, Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
interface Policy {
  enabled: boolean;
  zones: { id: string; ranges: Range[] }[];
  profiles: Map<string, { weekdays: Set<number>; start: number; end: number; closedOnHolidays?: boolean }>;
  /** School holidays as YYYY-MM-DD (Hong Kong dates). */
  holidays?: Set<string>;
  /** role → rules: zone id (null = the Internet, everywhere not in a zone) and optional time profile */
  rules: Map<string, { zoneId: string | null; profileId: string | null }[]>;
}

const CHANNEL = 'network_policy';

export function parseCidr(cidr: string): Range {
  if (!ipaddr.isValidCIDR(cidr)) throw new AppError('cidr_invalid');
  const [addr, bits] = ipaddr.parseCIDR(cidr);
  return [addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr, bits];
}
const contains = (r: Range, a: ipaddr.IPv4 | ipaddr.IPv6) => a.kind() === r[0].kind() && a.match(r);
const overlaps = (a: Range, b: Range) => contains(a, b[0]) || contains(b, a[0]);

/** Hong Kong weekday (1 = Monday … 7 = Sunday) and minute of the day. */
function hkTime(now: Date): { weekday: number; minute: number; day: string } {
  const t = new Date(now.getTime() + 8 * 3600_000);
  return { weekday: ((t.getUTCDay() + 6) % 7) + 1, minute: t.getUTCHours() * 60 + t.getUTCMinutes(), day: t.toISOString().slice(0, 10) };
}

/**
 * The network rules of each school, loaded once and kept until a change is announced (NOTIFY), so a
 * request pays a few address comparisons, not a query.
 */
export class NetworkPolicy implements NetworkGate {
  private cache = new Map<string, Policy>();
  constructor(private db: Database) {}

  async start(): Promise<void> {
    await this.db.listen(
      CHANNEL,
      (schoolId) => this.cache.delete(schoolId),
      () => this.cache.clear(),
    );
  }

  async changed(schoolId: string): Promise<void> {
    this.cache.delete(schoolId);
    await this.db.notify(CHANNEL, schoolId);
  }

  private async load(schoolId: string): Promise<Policy> {
    const hit = this.db.listening() ? this.cache.get(schoolId) : undefined;
    if (hit) return hit;
    const policy = await this.db.school(schoolId, async (q) => {
      const [s] = await q.query<{ network_policy_enabled: boolean }>('SELECT network_policy_enabled FROM schools WHERE id = $1', [
        schoolId,
      ]);
      const zones = await q.query<{ id: string; cidrs: string[] }>('SELECT id, cidrs FROM network_zones');
      const profiles = await q.query<{ id: string; weekdays: number[]; start_minute: number; end_minute: number; on_holidays: string }>(
        'SELECT id, weekdays, start_minute, end_minute, on_holidays FROM time_profiles',
      );
      const holidays = await q.query<{ day: string }>('SELECT day::text FROM school_holidays');
      const rules = await q.query<{ role_id: string; zone_id: string | null; time_profile_id: string | null }>(
        'SELECT role_id, zone_id, time_profile_id FROM role_network_rules',
      );
      const byRole = new Map<string, { zoneId: string | null; profileId: string | null }[]>();
      for (const r of rules) byRole.set(r.role_id, [...(byRole.get(r.role_id) ?? []), { zoneId: r.zone_id, profileId: r.time_profile_id }]);
      return {
        enabled: !!s?.network_policy_enabled,
        zones: zones.map((z) => ({ id: z.id, ranges: z.cidrs.map(parseCidr) })),
        profiles: new Map(
          profiles.map((p) => [
            p.id,
            { weekdays: new Set(p.weekdays), start: p.start_minute, end: p.end_minute, closedOnHolidays: p.on_holidays === 'closed' },
          ]),
        ),
        rules: byRole,
        holidays: new Set(holidays.map((h) => h.day)),
      };
    });
    if (this.db.listening()) this.cache.set(schoolId, policy);
    return policy;
  }

  /** Allowed if any of the person's roles allows the zone the address is in, at this time. */
  check(schoolId: string, roleIds: readonly string[], ip: string, now: Date): NetworkVerdict | Promise<NetworkVerdict> {
    const cached = this.db.listening() ? this.cache.get(schoolId) : undefined;
    return cached ? decideNetwork(cached, roleIds, ip, now) : this.load(schoolId).then((p) => decideNetwork(p, roleIds, ip, now));
  }
}

export function decideNetwork(p: Policy, roleIds: readonly string[], ip: string, now: Date): NetworkVerdict {
  if (!p.enabled) return { ok: true };
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return { ok: false, rule: 'zone_not_allowed' };
  }
  const zone = p.zones.find((z) => z.ranges.some((r) => contains(r, addr)))?.id ?? null;
  let zoneAllowed = false;
  const { weekday, minute, day } = hkTime(now);
  const holiday = p.holidays?.has(day) ?? false;
  for (const roleId of roleIds) {
    for (const rule of p.rules.get(roleId) ?? []) {
      if (rule.zoneId !== zone) continue;
      zoneAllowed = true;
      if (!rule.profileId) return { ok: true };
      const prof = p.profiles.get(rule.profileId);
      if (prof && !(holiday && prof.closedOnHolidays) && prof.weekdays.has(weekday) && minute >= prof.start && minute < prof.end)
        return { ok: true };
    }
  }
  return { ok: false, rule: zoneAllowed ? 'outside_hours' : 'zone_not_allowed' };
}

// ---- Administration --------------------------------------------------------------------

export async function getNetwork(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  return d.db.school(schoolId, async (q) => {
    const [s] = await q.query<{ network_policy_enabled: boolean; network_policy_reviewed_at: Date | null }>(
      'SELECT network_policy_enabled, network_policy_reviewed_at FROM schools WHERE id = $1',
      [schoolId],
    );
    const zones = await q.query<{ id: string; name_zh: string; name_en: string; cidrs: string[] }>(
      'SELECT id, name_zh, name_en, cidrs FROM network_zones ORDER BY name_en',
    );
    const profiles = await q.query<{
      id: string;
      name_zh: string;
      name_en: string;
      weekdays: number[];
      start_minute: number;
      end_minute: number;
      on_holidays: 'as_usual' | 'closed';
    }>('SELECT id, name_zh, name_en, weekdays, start_minute, end_minute, on_holidays FROM time_profiles ORDER BY name_en');
    const holidays = await q.query<{ day: string; name_zh: string; name_en: string }>(
      'SELECT day::text, name_zh, name_en FROM school_holidays ORDER BY day',
    );
    const rules = await q.query<{ role_id: string; zone_id: string | null; time_profile_id: string | null }>(
      'SELECT role_id, zone_id, time_profile_id FROM role_network_rules ORDER BY role_id',
    );
    return {
      enabled: !!s?.network_policy_enabled,
      reviewedAt: s?.network_policy_reviewed_at?.toISOString() ?? null,
      zones: zones.map((z) => ({ id: z.id, nameZh: z.name_zh, nameEn: z.name_en, cidrs: z.cidrs })),
      profiles: profiles.map((p) => ({
        id: p.id,
        nameZh: p.name_zh,
        nameEn: p.name_en,
        weekdays: p.weekdays,
        startMinute: p.start_minute,
        endMinute: p.end_minute,
        onHolidays: p.on_holidays,
      })),
      rules: rules.map((r) => ({ roleId: r.role_id, zoneId: r.zone_id, timeProfileId: r.time_profile_id })),
      holidays: holidays.map((h) => ({ day: h.day, nameZh: h.name_zh, nameEn: h.name_en })),
    };
  });
}

/** A zone's CIDRs must parse and must not overlap another zone's (an address belongs to one zone). */
export async function createZone(d: AuthDeps & { policy: NetworkPolicy }, a: Actor, b: z.infer<typeof ZoneBody>): Promise<string> {
  const ranges = b.cidrs.map(parseCidr);
  for (let i = 0; i < ranges.length; i++)
    for (let j = i + 1; j < ranges.length; j++) if (overlaps(ranges[i] as Range, ranges[j] as Range)) throw new AppError('zones_overlap');
  const id = await d.db
    .schoolTx(a.schoolId, async (q) => {
      await q.query('SELECT id FROM schools WHERE id = $1 FOR UPDATE', [a.schoolId]);
      const others = await q.query<{ cidrs: string[] }>('SELECT cidrs FROM network_zones');
      for (const o of others)
        for (const r of o.cidrs.map(parseCidr)) if (ranges.some((x) => overlaps(x, r))) throw new AppError('zones_overlap');
      const [z] = await q.query<{ id: string }>(
        'INSERT INTO network_zones (school_id, name_zh, name_en, cidrs, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [a.schoolId, b.nameZh, b.nameEn, b.cidrs, d.clock.now()],
      );
      if (!z) throw new Error('zone not created');
      await audit(q, d.clock, {
        ...who(a),
        action: 'network.zone_created',
        target: `zone:${z.id}`,
        details: { nameEn: b.nameEn, cidrs: b.cidrs },
      });
      return z.id;
    })
    .catch((err) => {
      throw (err as { code?: string }).code === '23505' ? new AppError('conflict') : err;
    });
  await d.policy.changed(a.schoolId);
  return id;
}

export async function deleteZone(d: AuthDeps & { policy: NetworkPolicy }, a: Actor, id: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const gone = await q.query<{ name_en: string }>('DELETE FROM network_zones WHERE id = $1 RETURNING name_en', [id]);
    if (!gone.length) throw new AppError('not_found');
    await assertNotLockedOut(q, a, d.clock.now());
    await audit(q, d.clock, { ...who(a), action: 'network.zone_deleted', target: `zone:${id}`, details: { nameEn: gone[0]?.name_en } });
  });
  await d.policy.changed(a.schoolId);
}

export async function createProfile(
  d: AuthDeps & { policy: NetworkPolicy },
  a: Actor,
  b: z.infer<typeof TimeProfileBody>,
): Promise<string> {
  if (b.endMinute <= b.startMinute) throw new AppError('time_profile_invalid');
  const id = await d.db
    .schoolTx(a.schoolId, async (q) => {
      const [p] = await q.query<{ id: string }>(
        'INSERT INTO time_profiles (school_id, name_zh, name_en, weekdays, start_minute, end_minute, on_holidays) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
        [a.schoolId, b.nameZh, b.nameEn, [...new Set(b.weekdays)].sort(), b.startMinute, b.endMinute, b.onHolidays],
      );
      if (!p) throw new Error('profile not created');
      await audit(q, d.clock, { ...who(a), action: 'network.profile_created', target: `time_profile:${p.id}`, details: { ...b } });
      return p.id;
    })
    .catch((err) => {
      throw (err as { code?: string }).code === '23505' ? new AppError('conflict') : err;
    });
  await d.policy.changed(a.schoolId);
  return id;
}

/** The policy may not be set so that the person changing it is refused right away. */
async function assertNotLockedOut(q: Queryable, a: Actor, now: Date): Promise<void> {
  const [s] = await q.query<{ network_policy_enabled: boolean }>('SELECT network_policy_enabled FROM schools WHERE id = $1', [a.schoolId]);
  const zones = await q.query<{ id: string; cidrs: string[] }>('SELECT id, cidrs FROM network_zones');
  const profiles = await q.query<{ id: string; weekdays: number[]; start_minute: number; end_minute: number; on_holidays: string }>(
    'SELECT id, weekdays, start_minute, end_minute, on_holidays FROM time_profiles',
  );
  const holidays = await q.query<{ day: string }>('SELECT day::text FROM school_holidays');
  const rules = await q.query<{ role_id: string; zone_id: string | null; time_profile_id: string | null }>(
    'SELECT role_id, zone_id, time_profile_id FROM role_network_rules',
  );
  const roles = await q.query<{ role_id: string }>('SELECT role_id FROM user_roles WHERE user_id = $1', [a.userId]);
  const byRole = new Map<string, { zoneId: string | null; profileId: string | null }[]>();
  for (const r of rules) byRole.set(r.role_id, [...(byRole.get(r.role_id) ?? []), { zoneId: r.zone_id, profileId: r.time_profile_id }]);
  const policy: Policy = {
    enabled: !!s?.network_policy_enabled,
    zones: zones.map((z) => ({ id: z.id, ranges: z.cidrs.map(parseCidr) })),
    profiles: new Map(
      profiles.map((p) => [
        p.id,
        { weekdays: new Set(p.weekdays), start: p.start_minute, end: p.end_minute, closedOnHolidays: p.on_holidays === 'closed' },
      ]),
    ),
    rules: byRole,
    holidays: new Set(holidays.map((h) => h.day)),
  };
  if (
    !decideNetwork(
      policy,
      roles.map((r) => r.role_id),
      a.ip,
      now,
    ).ok
  )
    throw new AppError('network_self_lockout');
}

export async function setRules(d: AuthDeps & { policy: NetworkPolicy }, a: Actor, b: z.infer<typeof NetworkRulesBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const roleIds = [...new Set(b.rules.map((r) => r.roleId))];
    const zoneIds = [...new Set(b.rules.map((r) => r.zoneId).filter((x): x is string => !!x))];
    const profileIds = [...new Set(b.rules.map((r) => r.timeProfileId).filter((x): x is string => !!x))];
    for (const [table, ids] of [
      ['roles', roleIds],
      ['network_zones', zoneIds],
      ['time_profiles', profileIds],
    ] as const) {
      if (!ids.length) continue;
      const [n] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE id = ANY($1)`, [ids]);
      if ((n?.n ?? 0) !== ids.length) throw new AppError('not_found');
    }
    await q.query('DELETE FROM role_network_rules');
    for (const r of b.rules) {
      await q.query(
        'INSERT INTO role_network_rules (school_id, role_id, zone_id, time_profile_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [a.schoolId, r.roleId, r.zoneId, r.timeProfileId],
      );
    }
    await assertNotLockedOut(q, a, d.clock.now());
    await audit(q, d.clock, {
      ...who(a),
      action: 'network.rules_changed',
      target: `school:${a.schoolId}`,
      details: { rules: b.rules.length },
    });
  });
  await d.policy.changed(a.schoolId);
}

export async function setNetworkSettings(d: AuthDeps & { policy: NetworkPolicy }, a: Actor, enabled: boolean): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await q.query('UPDATE schools SET network_policy_enabled = $2 WHERE id = $1', [a.schoolId, enabled]);
    await assertNotLockedOut(q, a, d.clock.now());
    await audit(q, d.clock, { ...who(a), action: 'network.settings_changed', target: `school:${a.schoolId}`, details: { enabled } });
  });
  await d.policy.changed(a.schoolId);
}

/** Replace the school holidays (the web enters the Education Bureau's school holiday list). */
export async function setHolidays(
  d: AuthDeps & { policy: NetworkPolicy },
  a: Actor,
  holidays: { day: string; nameZh: string; nameEn: string }[],
): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await q.query('DELETE FROM school_holidays');
    for (const h of new Map(holidays.map((x) => [x.day, x])).values()) {
      await q.query('INSERT INTO school_holidays (school_id, day, name_zh, name_en) VALUES ($1, $2, $3, $4)', [
        a.schoolId,
        h.day,
        h.nameZh,
        h.nameEn,
      ]);
    }
    await assertNotLockedOut(q, a, d.clock.now());
    await audit(q, d.clock, {
      ...who(a),
      action: 'network.holidays_changed',
      target: `school:${a.schoolId}`,
      details: { days: holidays.length },
    });
  });
  await d.policy.changed(a.schoolId);
}

export async function markNetworkReviewed(d: AuthDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await q.query('UPDATE schools SET network_policy_reviewed_at = $2 WHERE id = $1', [a.schoolId, d.clock.now()]);
    await audit(q, d.clock, { ...who(a), action: 'network.reviewed', target: `school:${a.schoolId}` });
  });
}

/** Memo U2: the network policy reviewed within 12 months. */
export function registerNetworkChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.U2.network-policy',
    memo: 'U2',
    owner: 'network.manage',
    async evaluate({ q, schoolId, now }): Promise<CheckResult> {
      const [s] = await q.query<{ enabled: boolean; reviewed: Date | null; zones: number }>(
        'SELECT network_policy_enabled AS enabled, network_policy_reviewed_at AS reviewed, (SELECT count(*) FROM network_zones) AS zones FROM schools WHERE id = $1',
        [schoolId],
      );
      const link = '/admin/network';
      if (!s?.reviewed) return { status: 'attention', summaryKey: 'checks.networkPolicy.never', params: { zones: s?.zones ?? 0 }, link };
      const days = (now.getTime() - s.reviewed.getTime()) / 86_400_000;
      const params = { date: s.reviewed.toISOString().slice(0, 10), zones: s.zones, enabled: s.enabled ? 'on' : 'off' };
      const due = new Date(s.reviewed.getTime() + 365 * 86_400_000);
      if (days <= 365) return { status: 'ok', summaryKey: 'checks.networkPolicy.ok', params, link, due };
      return { status: days > 396 ? 'overdue' : 'attention', summaryKey: 'checks.networkPolicy.due', params, link, due };
    },
  });
}
