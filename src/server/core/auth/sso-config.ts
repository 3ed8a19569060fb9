import type { z } from 'zod';
import type { SsoConfigBody, SsoConfigView } from '../../../contracts/admin.js';
import { audit } from '../audit/audit.js';
import { open, seal, subKey } from '../crypto/secrets.js';
import { AppError } from '../errors.js';
import { type Actor, who } from './actor.js';
import type { AuthDeps } from './common.js';
import type { Queryable } from '../db/types.js';
import { notifyUser } from '../notify/notify.js';
import { findActiveHolders } from './queries/roles.js';
import { countLinksElsewhere, setSsoReviewed, updateSchoolSso } from './queries/sso.js';
import { setSsoMode as setUserSsoMode } from './queries/users.js';
import { discover, loopback, redirectUri, schoolSso } from './sso-provider.js';
import { toSsoConfigView } from './views.js';

/** The school's provider as administrators see it (never the secret). */
export async function getSsoConfig(d: AuthDeps, schoolId: string): Promise<z.infer<typeof SsoConfigView>> {
  const s = await d.db.school(schoolId, (q) => schoolSso(q, schoolId));
  return toSsoConfigView(s, redirectUri(d));
}

/** Save the provider; it must answer discovery now (an issuer that does not answer is refused). */
export async function putSsoConfig(d: AuthDeps, a: Actor, b: z.infer<typeof SsoConfigBody>): Promise<void> {
  const current = await d.db.school(a.schoolId, (q) => schoolSso(q, a.schoolId));
  const sealed = b.clientSecret ? seal(subKey(d.serverKey, 'sso'), b.clientSecret, `sso:${a.schoolId}`) : current.sso_client_secret;
  if (!sealed) throw new AppError('validation_failed', { errors: [{ path: '/clientSecret', code: 'required' }] });
  const secret = open(subKey(d.serverKey, 'sso'), sealed, `sso:${a.schoolId}`).toString('utf8');
  const issuer = new URL(b.issuer);
  if (issuer.protocol !== 'https:' && !loopback(issuer))
    throw new AppError('validation_failed', { errors: [{ path: '/issuer', code: 'https_required' }] });
  try {
    await discover(b.issuer, b.clientId, secret);
  } catch {
    throw new AppError('sso_issuer_unreachable');
  }
  // Left out, the school keeps what it had; values are kept once each, in the order given.
  const providerMfa = b.providerMfa
    ? { enabled: b.providerMfa.enabled, amr: [...new Set(b.providerMfa.amr)], acr: [...new Set(b.providerMfa.acr)] }
    : { enabled: current.sso_mfa_trusted, amr: current.sso_mfa_amr, acr: current.sso_mfa_acr };
  await d.db.schoolTx(a.schoolId, async (q) => {
    await updateSchoolSso(q, a.schoolId, {
      enabled: b.enabled,
      issuer: b.issuer,
      clientId: b.clientId,
      sealedSecret: sealed,
      emailLink: b.emailLink,
      providerMfa,
    });
    // The secret itself never goes into the audit log.
    await audit(q, d.clock, {
      ...who(a),
      action: 'sso.configured',
      details: {
        enabled: b.enabled,
        issuer: b.issuer,
        clientId: b.clientId,
        secretChanged: !!b.clientSecret,
        emailLink: b.emailLink,
        providerMfa,
      },
    });
    if (current.sso_issuer !== b.issuer) await suspendLinksElsewhere(d, q, a, b.issuer);
  });
}

/**
 * The issuer changed: links made at any other issuer no longer sign anyone in (a subject is only
 * unique at its own provider). They stay, suspended, until each person links again; the people who
 * manage single sign-on are told how many.
 */
async function suspendLinksElsewhere(d: AuthDeps, q: Queryable, a: Actor, issuer: string): Promise<void> {
  const count = await countLinksElsewhere(q, issuer);
  if (!count) return;
  await audit(q, d.clock, { ...who(a), action: 'sso.links_suspended', details: { issuer, count } });
  for (const admin of await findActiveHolders(q, 'sso.manage')) {
    await notifyUser(q, d.clock, {
      schoolId: a.schoolId,
      userId: admin.id,
      kind: 'security.sso_links_suspended',
      titleKey: 'notifications.ssoLinksSuspended',
      params: { count: String(count) },
      link: '/admin/sso',
    });
  }
}

export async function setSsoMode(d: AuthDeps, a: Actor, userId: string, mode: 'local' | 'allowed' | 'required'): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    if (!(await setUserSsoMode(q, userId, mode))) throw new AppError('not_found');
    await audit(q, d.clock, { ...who(a), action: 'users.sso_mode_changed', target: `user:${userId}`, details: { mode } });
  });
}

export async function markSsoReviewed(d: AuthDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await setSsoReviewed(q, a.schoolId, d.clock.now());
    await audit(q, d.clock, { ...who(a), action: 'sso.reviewed' });
  });
}
