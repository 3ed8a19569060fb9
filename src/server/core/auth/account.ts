import type { Me } from '../../../contracts/auth.js';
import { audit } from '../audit/audit.js';
import { AppError } from '../errors.js';
import { type Actor, who } from './actor.js';
import type { AuthDeps } from './common.js';
import { csrfTokenFor } from './csrf.js';
import { findMe, setLocale } from './queries/users.js';
import type { Session } from './sessions.js';
import { toMeView } from './views.js';

/** The signed-in person, their school, their rights and the CSRF token for their session. */
export async function getMe(d: Pick<AuthDeps, 'db'>, s: Session, csrfKey: Buffer): Promise<Me> {
  const u = await d.db.school(s.schoolId, (q) => findMe(q, s.userId));
  if (!u) throw new AppError('unauthenticated');
  return toMeView(u, s, csrfTokenFor(csrfKey, s));
}

export async function changeLocale(d: Pick<AuthDeps, 'db' | 'clock'>, a: Actor, locale: 'zh-HK' | 'en'): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await setLocale(q, a.userId, locale);
    await audit(q, d.clock, { ...who(a), action: 'account.locale_changed', target: `user:${a.userId}`, details: { locale } });
  });
}
