import ipaddr from 'ipaddr.js';
import { BURST_PER_PERSON, BURST_SCHOOL, NEW_ZONE_DAYS, days } from '../policy.js';
import {
  countFailedSignins,
  findPeople,
  insertKnownZones,
  listKnownZones,
  listSigninAddresses,
  listZones,
  type ZoneRow,
} from '../queries/checks.js';
import type { FindingCheck, Trip } from './types.js';

/** Outside every zone the school has named: the Internet. */
export const INTERNET = 'internet';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
const parse = (cidr: string): Range | null => {
  if (!ipaddr.isValidCIDR(cidr)) return null;
  const [addr, bits] = ipaddr.parseCIDR(cidr);
  const a = addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
  return [a, bits];
};
const address = (ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null => {
  if (!ipaddr.isValid(ip)) return null;
  const a = ipaddr.parse(ip);
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
};

/** The zone an address falls in (the school's named zones first), or the Internet. */
export function zoneOf(zones: { id: string; ranges: Range[] }[], ip: string): string {
  const a = address(ip);
  if (!a) return INTERNET;
  for (const z of zones) if (z.ranges.some((r) => a.kind() === r[0].kind() && a.match(r))) return z.id;
  return INTERNET;
}

const zoneName = (zones: ZoneRow[], id: string) => {
  const z = zones.find((x) => x.id === id);
  return z ? { zoneZh: z.name_zh, zoneEn: z.name_en } : { zoneZh: '', zoneEn: '' };
};

/** Sign-ins: bursts of failures (per person and across the school) and sign-ins from a zone new to the person. */
export const signinChecks: FindingCheck[] = [
  {
    key: 'failed_signin_burst',
    severity: 'medium',
    owner: 'security.manage',
    async look({ q, schoolId, now }) {
      const rows = await countFailedSignins(q, schoolId, new Date(now.getTime() - days(1)));
      const out: Trip[] = rows
        .filter((r) => r.n >= BURST_PER_PERSON)
        .map((r) => ({ subject: r.id, params: { name: r.name, username: r.username, count: r.n } }));
      const total = rows.reduce((n, r) => n + r.n, 0);
      if (total >= BURST_SCHOOL) out.push({ subject: 'school', params: { kind: 'school', count: total }, severity: 'high' });
      return out;
    },
  },
  {
    key: 'new_signin_zone',
    severity: 'low',
    owner: 'security.manage',
    async look({ q, schoolId, now }) {
      const zoneRows = await listZones(q);
      const zones = zoneRows.map((z) => ({ id: z.id, ranges: z.cidrs.map(parse).filter((r): r is Range => r !== null) }));
      const known = await listKnownZones(q);
      const seen = new Map<string, Date>(known.map((k) => [`${k.user_id}|${k.zone}`, k.first_seen_at]));
      // Bookkeeping first: each (person, zone) pair remembered from its earliest sign-in seen.
      const fresh = new Map<string, { userId: string; zone: string; at: Date }>();
      for (const a of await listSigninAddresses(q)) {
        const zone = zoneOf(zones, a.source);
        const key = `${a.user_id}|${zone}`;
        if (seen.has(key)) continue;
        const prev = fresh.get(key);
        if (!prev || a.last_success_at < prev.at) fresh.set(key, { userId: a.user_id, zone, at: a.last_success_at });
      }
      await insertKnownZones(q, schoolId, [...fresh.values()]);
      for (const f of fresh.values()) seen.set(`${f.userId}|${f.zone}`, f.at);
      // A zone first seen within the week is new when the person was already known from another zone before it.
      const byUser = new Map<string, { zone: string; at: Date }[]>();
      for (const [key, at] of seen) {
        const [userId = '', zone = ''] = key.split('|');
        byUser.set(userId, [...(byUser.get(userId) ?? []), { zone, at }]);
      }
      const recent = now.getTime() - days(NEW_ZONE_DAYS);
      const found: { userId: string; zone: string; at: Date }[] = [];
      for (const [userId, list] of byUser) {
        const first = Math.min(...list.map((z) => z.at.getTime()));
        for (const z of list) if (z.at.getTime() >= recent && z.at.getTime() > first) found.push({ userId, zone: z.zone, at: z.at });
      }
      if (!found.length) return [];
      const people = new Map((await findPeople(q, [...new Set(found.map((f) => f.userId))])).map((p) => [p.id, p]));
      return found.map((f) => ({
        subject: `${f.userId}:${f.zone}`,
        params: {
          name: people.get(f.userId)?.name ?? '',
          username: people.get(f.userId)?.username ?? '',
          zone: f.zone === INTERNET ? INTERNET : 'named',
          ...zoneName(zoneRows, f.zone),
        },
      }));
    },
  },
];
