import type { AuthDeps } from '../../../core/auth/service.js';
import { findNetworkSettings, listHolidays, listNetworkRulesByRole, listTimeProfiles, listZones } from '../queries/network.js';
import { toNetworkView } from '../views.js';

/** The school's zones, time profiles, rules and holidays, as the administration page shows them. */
export async function getNetwork(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  return d.db.school(schoolId, async (q) => {
    const s = await findNetworkSettings(q, schoolId);
    const zones = await listZones(q);
    const profiles = await listTimeProfiles(q);
    const holidays = await listHolidays(q);
    const rules = await listNetworkRulesByRole(q);
    return toNetworkView(s, zones, profiles, rules, holidays);
  });
}
