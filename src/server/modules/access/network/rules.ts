import type { z } from 'zod';
import type { NetworkRulesBody } from '../../../../contracts/admin.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { AppError } from '../../../core/errors.js';
import {
  type RuleTarget,
  countExisting,
  deleteHolidays,
  deleteNetworkRules,
  insertHoliday,
  insertNetworkRule,
  markPolicyReviewed,
  setPolicyEnabled,
} from '../queries/network.js';
import { type NetworkDeps, assertStillLetIn } from './common.js';

/** Replace which roles may sign in from which zones, at which hours. Every role, zone and profile must be the school's. */
export async function setRules(d: NetworkDeps, a: Actor, b: z.infer<typeof NetworkRulesBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const roleIds = [...new Set(b.rules.map((r) => r.roleId))];
    const zoneIds = [...new Set(b.rules.map((r) => r.zoneId).filter((x): x is string => !!x))];
    const profileIds = [...new Set(b.rules.map((r) => r.timeProfileId).filter((x): x is string => !!x))];
    const refs: [RuleTarget, string[]][] = [
      ['roles', roleIds],
      ['network_zones', zoneIds],
      ['time_profiles', profileIds],
    ];
    for (const [table, ids] of refs) {
      if (!ids.length) continue;
      if ((await countExisting(q, table, ids)) !== ids.length) throw new AppError('not_found');
    }
    await deleteNetworkRules(q);
    for (const r of b.rules) {
      await insertNetworkRule(q, { schoolId: a.schoolId, roleId: r.roleId, zoneId: r.zoneId, timeProfileId: r.timeProfileId });
    }
    await assertStillLetIn(q, a, d.clock.now());
    await audit(q, d.clock, {
      ...who(a),
      action: 'network.rules_changed',
      target: `school:${a.schoolId}`,
      details: { rules: b.rules.length },
    });
  });
  await d.policy.changed(a.schoolId);
}

/** Turn the network policy on or off. */
export async function setNetworkSettings(d: NetworkDeps, a: Actor, enabled: boolean): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await setPolicyEnabled(q, a.schoolId, enabled);
    await assertStillLetIn(q, a, d.clock.now());
    await audit(q, d.clock, { ...who(a), action: 'network.settings_changed', target: `school:${a.schoolId}`, details: { enabled } });
  });
  await d.policy.changed(a.schoolId);
}

/** Replace the school holidays (the web enters the Education Bureau's school holiday list). */
export async function setHolidays(d: NetworkDeps, a: Actor, holidays: { day: string; nameZh: string; nameEn: string }[]): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await deleteHolidays(q);
    for (const h of new Map(holidays.map((x) => [x.day, x])).values()) {
      await insertHoliday(q, { schoolId: a.schoolId, day: h.day, nameZh: h.nameZh, nameEn: h.nameEn });
    }
    await assertStillLetIn(q, a, d.clock.now());
    await audit(q, d.clock, {
      ...who(a),
      action: 'network.holidays_changed',
      target: `school:${a.schoolId}`,
      details: { days: holidays.length },
    });
  });
  await d.policy.changed(a.schoolId);
}

/** The yearly review of the network policy (memo U2), recorded. */
export async function markNetworkReviewed(d: AuthDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await markPolicyReviewed(q, a.schoolId, d.clock.now());
    await audit(q, d.clock, { ...who(a), action: 'network.reviewed', target: `school:${a.schoolId}` });
  });
}
