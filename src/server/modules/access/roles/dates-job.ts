import { audit } from '../../../core/audit/audit.js';
import { systemActor, who } from '../../../core/auth/actor.js';
import type { SessionStore } from '../../../core/auth/sessions.js';
import type { Clock } from '../../../core/clock.js';
import type { Job } from '../../../core/scheduler/scheduler.js';
import { hkToday } from '../common.js';
import { deleteLapsedMemberships, takeDuePlannedGrants, upsertUserRole } from '../queries/roles.js';

/** Put planned assignments in force on their start date and let lapsed ones go, once a day (idempotent). */
export function roleDatesJob(d: { clock: Clock; sessions: SessionStore }): Job {
  return {
    name: 'role-dates',
    everyMs: 15 * 60_000,
    async run({ db, forEachSchool }) {
      const today = hkToday(d.clock);
      await forEachSchool('any', async (id) => {
        const hashes = await db.schoolTx(id, async (q) => {
          const out: Buffer[] = [];
          for (const g of await takeDuePlannedGrants(q, today)) {
            await upsertUserRole(q, {
              schoolId: id,
              userId: g.user_id,
              roleId: g.role_id,
              at: d.clock.now(),
              grantedBy: g.granted_by,
              endsOn: g.ends_on,
            });
            await audit(q, d.clock, {
              ...who(systemActor(id, 'roles.dates')),
              action: 'roles.member_started',
              target: `role:${g.role_id}`,
              details: { user: g.user_id },
            });
            out.push(...(await d.sessions.rightsChanged(q, g.user_id)));
          }
          for (const l of await deleteLapsedMemberships(q, today)) {
            await audit(q, d.clock, {
              ...who(systemActor(id, 'roles.dates')),
              action: 'roles.member_lapsed',
              target: `role:${l.role_id}`,
              details: { user: l.user_id },
            });
            out.push(...(await d.sessions.rightsChanged(q, l.user_id)));
          }
          return out;
        });
        await d.sessions.forget(hashes);
      });
    },
  };
}
