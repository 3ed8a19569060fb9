/**
 * Where and when a person may be signed in (memo U2). The rules live in a module; the guard and
 * the sign-in ask through this interface, so core does not depend on the module.
 */
export type NetworkVerdict = { ok: true } | { ok: false; rule: 'zone_not_allowed' | 'outside_hours' };

export interface NetworkGate {
  check(schoolId: string, roleIds: readonly string[], ip: string, now: Date): NetworkVerdict | Promise<NetworkVerdict>;
}
