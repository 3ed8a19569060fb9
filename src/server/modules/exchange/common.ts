import type { Actor } from '../../core/auth/actor.js';
import type { Clock } from '../../core/clock.js';
import type { KeyWindow } from '../../core/crypto/key-window.js';
import type { Database, Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import type { PermissionKey } from '../../../contracts/permissions.js';
import { type NewEvent, insertEvent } from './queries/events.js';
import { findOrg } from './queries/orgs.js';
import { countActiveHolders } from './queries/people.js';
import type { AuthorityKey } from './types.js';

export interface ExchangeDeps {
  db: Database;
  clock: Clock;
  smtpConfigured: boolean;
  /** School keys people unlocked, per session (absent for scheduled work, which never unlocks). */
  keyWindow?: KeyWindow;
}

export const AUTHORITIES: Record<AuthorityKey, { nameZh: string; nameEn: string; prefix: string }> = {
  EDB: { nameZh: '教育局', nameEn: 'Education Bureau', prefix: 'EDB' },
  HKEAA: { nameZh: '香港考試及評核局', nameEn: 'Hong Kong Examinations and Assessment Authority', prefix: 'EAA' },
};

export const DAY = 86_400_000;
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** Record a step in the exchange archive (the daily exchange log reads these). */
export async function event(q: Queryable, clock: Clock, e: NewEvent): Promise<void> {
  await insertEvent(q, e, clock.now());
}

async function orgKind(
  q: Queryable,
  orgId: string,
): Promise<{ kind: 'school' | 'authority'; code: AuthorityKey | null; schoolNumber: string }> {
  const o = await findOrg(q, orgId);
  if (!o) throw new AppError('not_found');
  return { kind: o.kind, code: o.authority_code, schoolNumber: o.school_number };
}

/** The actor's organisation is an authority (the Education Bureau, the HKEAA): its code. */
export async function assertAuthority(q: Queryable, a: Actor): Promise<{ kind: 'authority'; code: AuthorityKey; schoolNumber: string }> {
  const o = await orgKind(q, a.schoolId);
  if (o.kind !== 'authority' || !o.code) throw new AppError('authority_only');
  return { kind: o.kind, code: o.code, schoolNumber: o.schoolNumber };
}

/** The actor's organisation is a school. */
export async function assertSchool(q: Queryable, a: Actor): Promise<void> {
  const o = await orgKind(q, a.schoolId);
  if (o.kind !== 'school') throw new AppError('forbidden');
}

/** Only active people of the organisation holding `permission` may be named for it. */
export async function assertHolders(q: Queryable, ids: (string | null | undefined)[], permission: PermissionKey): Promise<void> {
  const want = [...new Set(ids.filter((x): x is string => !!x))];
  if (!want.length) return;
  if ((await countActiveHolders(q, want, permission)) !== want.length) throw new AppError('person_lacks_right');
}
