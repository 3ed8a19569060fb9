import type { z } from 'zod';
import type { SchoolKeyStatus } from '../../../../contracts/security-key.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { wrappedByKey } from '../../exchange/service.js';
import { findCurrentVersion, findSchoolKey, listCurrentShares, listKeyVersions, setRotationMonths } from '../queries/key.js';
import { type KeyDeps, iso } from './common.js';
import { rotationDue } from './policy.js';
import { toKeyVersionView, toShareSetView } from './views.js';

/** The key page: the version in force, when it is due for a change, its recovery shares, its history and this session's window. */
export async function keyStatus(d: KeyDeps, a: Actor): Promise<z.infer<typeof SchoolKeyStatus>> {
  const { school, current, versions, shares, wrapped } = await d.db.school(a.schoolId, async (q) => ({
    school: await findSchoolKey(q, a.schoolId),
    current: await findCurrentVersion(q),
    versions: await listKeyVersions(q),
    shares: await listCurrentShares(q),
    wrapped: await wrappedByKey(q, a.schoolId),
  }));
  if (!school || !current) throw new AppError('not_found');
  const due = rotationDue(current.created_at, school.key_rotation_months);
  const wrappedCurrent = wrapped.find((w) => w.fingerprint === current.fingerprint)?.n ?? 0;
  return {
    version: current.version,
    fingerprint: current.fingerprint,
    createdAt: current.created_at.toISOString(),
    createdBy: current.created_by_name,
    rotationMonths: school.key_rotation_months,
    rotationDue: due.toISOString(),
    rotationOverdue: d.clock.now() >= due,
    wrappedCurrent,
    wrappedOlder: wrapped.reduce((n, w) => n + w.n, 0) - wrappedCurrent,
    shares: toShareSetView(shares.filter((s) => s.key_version === current.version)),
    history: versions.map(toKeyVersionView),
    unlockedUntil: iso(d.keyWindow.until(a.tokenHash, a.schoolId)),
    windowMinutes: Math.round(d.keyWindow.windowMs / 60_000),
  };
}

/** The school's rotation period (months), audited with the old and new values. */
export async function setKeySettings(d: KeyDeps, a: Actor, rotationMonths: number): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const before = await findSchoolKey(q, a.schoolId, true);
    if (!before) throw new AppError('not_found');
    await setRotationMonths(q, a.schoolId, rotationMonths);
    await audit(q, d.clock, {
      ...who(a),
      action: 'school_key.settings_changed',
      target: `school:${a.schoolId}`,
      details: { before: { rotationMonths: before.key_rotation_months }, after: { rotationMonths } },
    });
  });
}
