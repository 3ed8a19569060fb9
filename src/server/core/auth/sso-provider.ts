import * as oidc from 'openid-client';
import { open, sha256, subKey } from '../crypto/secrets.js';
import type { Queryable } from '../db/types.js';
import { AppError } from '../errors.js';
import type { AuthDeps } from './common.js';
import { type SchoolSsoRow, findSchoolSso } from './queries/sso.js';

/** Plain http is accepted only for a provider on this machine (tests); anything else must be https. */
export function loopback(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
}

/** Discovered providers, by issuer, client and secret. */
const configs = new Map<string, Promise<oidc.Configuration>>();
export async function discover(issuer: string, clientId: string, secret: string): Promise<oidc.Configuration> {
  const key = sha256(`${issuer}\n${clientId}\n${secret}`).toString('hex');
  let c = configs.get(key);
  if (!c) {
    const url = new URL(issuer);
    c = oidc.discovery(url, clientId, secret, undefined, {
      ...(loopback(url) ? { execute: [oidc.allowInsecureRequests] } : {}),
      timeout: 10,
    });
    configs.set(key, c);
    c.catch(() => configs.delete(key));
  }
  return c;
}

/** Where the provider sends people back: registered at the provider by the administrator. */
export const redirectUri = (d: Pick<AuthDeps, 'config'>) =>
  `${(d.config.PUBLIC_URL ?? `http://localhost:${d.config.PORT}`).replace(/\/$/, '')}/api/sso/callback`;

/** A school's provider settings. */
export async function schoolSso(q: Queryable, schoolId: string): Promise<SchoolSsoRow> {
  const s = await findSchoolSso(q, schoolId);
  if (!s) throw new AppError('not_found');
  return s;
}

/** The school's provider, discovered; refused while single sign-on is off or incomplete. */
export function configOf(d: Pick<AuthDeps, 'serverKey'>, s: SchoolSsoRow): Promise<oidc.Configuration> {
  if (!s.sso_enabled || !s.sso_issuer || !s.sso_client_id || !s.sso_client_secret) throw new AppError('sso_unavailable');
  // Checked again at use, not only when saved: ID tokens from the token endpoint are trusted for
  // their transport, so a provider off this machine is used only over https.
  const url = URL.canParse(s.sso_issuer) ? new URL(s.sso_issuer) : null;
  if (!url || (url.protocol !== 'https:' && !loopback(url))) throw new AppError('sso_unavailable');
  const secret = open(subKey(d.serverKey, 'sso'), s.sso_client_secret, `sso:${s.id}`).toString('utf8');
  return discover(s.sso_issuer, s.sso_client_id, secret);
}
