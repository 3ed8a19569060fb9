import type { z } from 'zod';
import type { TimeProfileBody, ZoneBody } from '../../../../contracts/admin.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import { uniqueViolation } from '../../../core/db/unique.js';
import { AppError } from '../../../core/errors.js';
import { parseCidr } from '../network.js';
import { assertHoursInOrder, assertRangesDisjoint } from '../policy.js';
import { deleteZone as deleteZoneRow, insertTimeProfile, insertZone, listZoneCidrs } from '../queries/network.js';
import { lockSchool } from '../queries/school.js';
import { type NetworkDeps, assertStillLetIn } from './common.js';

/** A zone's CIDRs must parse and must not overlap another zone's (an address belongs to one zone). */
export async function createZone(d: NetworkDeps, a: Actor, b: z.infer<typeof ZoneBody>): Promise<string> {
  const ranges = b.cidrs.map(parseCidr);
  assertRangesDisjoint(ranges);
  const id = await d.db
    .schoolTx(a.schoolId, async (q) => {
      await lockSchool(q, a.schoolId);
      assertRangesDisjoint(ranges, (await listZoneCidrs(q)).flat().map(parseCidr));
      const z = await insertZone(q, { schoolId: a.schoolId, nameZh: b.nameZh, nameEn: b.nameEn, cidrs: b.cidrs, at: d.clock.now() });
      if (!z) throw new Error('zone not created');
      await audit(q, d.clock, {
        ...who(a),
        action: 'network.zone_created',
        target: `zone:${z.id}`,
        details: { nameEn: b.nameEn, cidrs: b.cidrs },
      });
      return z.id;
    })
    .catch((err: unknown) => {
      throw uniqueViolation(err, {});
    });
  await d.policy.changed(a.schoolId);
  return id;
}

export async function deleteZone(d: NetworkDeps, a: Actor, id: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const gone = await deleteZoneRow(q, id);
    if (!gone) throw new AppError('not_found');
    await assertStillLetIn(q, a, d.clock.now());
    await audit(q, d.clock, { ...who(a), action: 'network.zone_deleted', target: `zone:${id}`, details: { nameEn: gone.name_en } });
  });
  await d.policy.changed(a.schoolId);
}

/** Hours on chosen weekdays (Hong Kong time), optionally closed on school holidays. */
export async function createProfile(d: NetworkDeps, a: Actor, b: z.infer<typeof TimeProfileBody>): Promise<string> {
  assertHoursInOrder(b.startMinute, b.endMinute);
  const id = await d.db
    .schoolTx(a.schoolId, async (q) => {
      const p = await insertTimeProfile(q, {
        schoolId: a.schoolId,
        nameZh: b.nameZh,
        nameEn: b.nameEn,
        weekdays: [...new Set(b.weekdays)].sort(),
        startMinute: b.startMinute,
        endMinute: b.endMinute,
        onHolidays: b.onHolidays,
      });
      if (!p) throw new Error('profile not created');
      await audit(q, d.clock, { ...who(a), action: 'network.profile_created', target: `time_profile:${p.id}`, details: { ...b } });
      return p.id;
    })
    .catch((err: unknown) => {
      throw uniqueViolation(err, {});
    });
  await d.policy.changed(a.schoolId);
  return id;
}
