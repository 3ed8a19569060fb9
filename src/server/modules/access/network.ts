import ipaddr from 'ipaddr.js';
import type { NetworkGate, NetworkVerdict } from '../../core/auth/network-gate.js';
import type { Database, Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { findPolicyEnabled, listHolidayDays, listNetworkRules, listProfileHours, listZoneRanges } from './queries/network.js';

export type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** One school's network rules, ready to decide on an address and a moment. */
export interface Policy {
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
export const overlaps = (a: Range, b: Range): boolean => contains(a, b[0]) || contains(b, a[0]);

/** Hong Kong weekday (1 = Monday … 7 = Sunday) and minute of the day. */
function hkTime(now: Date): { weekday: number; minute: number; day: string } {
  const t = new Date(now.getTime() + 8 * 3600_000);
  return { weekday: ((t.getUTCDay() + 6) % 7) + 1, minute: t.getUTCHours() * 60 + t.getUTCMinutes(), day: t.toISOString().slice(0, 10) };
}

/** The school's network rules as they stand in this connection's view (inside a transaction: with its changes). */
export async function readPolicy(q: Queryable, schoolId: string): Promise<Policy> {
  const enabled = await findPolicyEnabled(q, schoolId);
  const zones = await listZoneRanges(q);
  const profiles = await listProfileHours(q);
  const holidays = await listHolidayDays(q);
  const rules = await listNetworkRules(q);
  const byRole = new Map<string, { zoneId: string | null; profileId: string | null }[]>();
  for (const r of rules) byRole.set(r.role_id, [...(byRole.get(r.role_id) ?? []), { zoneId: r.zone_id, profileId: r.time_profile_id }]);
  return {
    enabled,
    zones: zones.map((z) => ({ id: z.id, ranges: z.cidrs.map(parseCidr) })),
    profiles: new Map(
      profiles.map((p) => [
        p.id,
        { weekdays: new Set(p.weekdays), start: p.start_minute, end: p.end_minute, closedOnHolidays: p.on_holidays === 'closed' },
      ]),
    ),
    rules: byRole,
    holidays: new Set(holidays),
  };
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
    const policy = await this.db.school(schoolId, (q) => readPolicy(q, schoolId));
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
