import { type Actor, who } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { audit } from '../../../core/audit/audit.js';
import { findRotationDays, setRotationDays } from './queries.js';

/** How many days a shared or break-glass password may be kept (default 180). */
export async function setRotationPeriod(d: Pick<AuthDeps, 'db' | 'clock'>, a: Actor, days: number): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const before = await findRotationDays(q, a.schoolId, true);
    if (before === days) return;
    await setRotationDays(q, a.schoolId, days);
    await audit(q, d.clock, {
      ...who(a),
      action: 'privileged.rotation_changed',
      target: `school:${a.schoolId}`,
      details: { before: { rotationDays: before }, after: { rotationDays: days } },
    });
  });
}
