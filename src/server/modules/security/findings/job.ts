import { systemActor } from '../../../core/auth/actor.js';
import type { Job } from '../../../core/scheduler/scheduler.js';
import { hongKongDate } from '../../../core/clock.js';
import { type RunDeps, runSecurityChecks } from './run.js';

/**
 * The daily run of the security checks, per school. Claimed per school and Hong Kong day, so a
 * repeated tick or a second process runs it once; running it twice would change nothing anyway
 * but the run log.
 */
export function securityChecksJob(d: RunDeps): Job {
  return {
    name: 'security-checks',
    everyMs: 60 * 60_000,
    async run({ db, now, claim, forEachSchool }) {
      const day = hongKongDate(now);
      await forEachSchool('school', async (schoolId) => {
        if (!(await db.system((q) => claim(q, `security-checks:${schoolId}:${day}`, schoolId)))) return;
        await runSecurityChecks(d, schoolId, 'daily', systemActor(schoolId, 'security.checks'));
      });
    },
  };
}
