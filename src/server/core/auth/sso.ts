import * as oidc from 'openid-client';
import type { z } from 'zod';
import type { SsoConfigBody } from '../../../contracts/admin.js';
import { audit } from '../audit/audit.js';
import { open, seal, sha256, subKey } from '../crypto/secrets.js';
import type { Queryable } from '../db/types.js';
import { uniqueViolation } from '../db/unique.js';
import { AppError } from '../errors.js';
import { type Actor, who } from './actor.js';
import { type AuthDeps, type Origin, signingIn } from './common.js';
import { checkNetworkAtSignIn } from './network-refused.js';
import {
  type SchoolSsoRow,
  type SsoUserRow,
  findLinkableSsoUserByEmail,
  findSchoolIds,
  findSchoolSso,
  findSsoUser,
  findSsoUserBySubject,
  insertSsoAttempt,
  setSsoReviewed,
  setSsoSubject,
  takeSsoAttempt,
  updateSchoolSso,
} from './queries/sso.js';
import { setLastLogin, setSsoMode as setUserSsoMode } from './queries/users.js';
import { toSsoConfigView } from './views.js';

const ATTEMPT_MS = 10 * 60_000;

/** Plain http is accepted only for a provider on this machine (tests); anything else must be https. */
function loopback(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
}

const configs = new Map<string, Promise<oidc.Configuration>>();
async function discover(issuer: string, clientId: string, secret: string): Promise<oidc.Configuration> {
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

export const redirectUri = (d: Pick<AuthDeps, 'config'>) =>
  `${(d.config.PUBLIC_URL ?? `http://localhost:${d.config.PORT}`).replace(/\/$/, '')}/api/sso/callback`;

async function schoolSso(q: Queryable, schoolId: string): Promise<SchoolSsoRow> {
  const s = await findSchoolSso(q, schoolId);
  if (!s) throw new AppError('not_found');
  return s;
}

function configOf(d: Pick<AuthDeps, 'serverKey'>, s: SchoolSsoRow): Promise<oidc.Configuration> {
  if (!s.sso_enabled || !s.sso_issuer || !s.sso_client_id || !s.sso_client_secret) throw new AppError('sso_unavailable');
  const secret = open(subKey(d.serverKey, 'sso'), s.sso_client_secret, `sso:${s.id}`).toString('utf8');
  return discover(s.sso_issuer, s.sso_client_id, secret);
}

export async function getSsoConfig(d: AuthDeps, schoolId: string) {
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
  await d.db.schoolTx(a.schoolId, async (q) => {
    await updateSchoolSso(q, a.schoolId, {
      enabled: b.enabled,
      issuer: b.issuer,
      clientId: b.clientId,
      sealedSecret: sealed,
      emailLink: b.emailLink,
    });
    // The secret itself never goes into the audit log.
    await audit(q, d.clock, {
      ...who(a),
      action: 'sso.configured',
      details: { enabled: b.enabled, issuer: b.issuer, clientId: b.clientId, secretChanged: !!b.clientSecret, emailLink: b.emailLink },
    });
  });
}

/** Begin a sign-in (or, for a signed-in person, a link) at the provider: authorisation code with PKCE. */
export async function startSso(
  d: AuthDeps,
  schoolNumber: string | undefined,
  linkUserId?: { schoolId: string; userId: string },
): Promise<string> {
  const school = await d.db.system(async (q) => {
    if (linkUserId) return schoolSso(q, linkUserId.schoolId);
    const ids = await findSchoolIds(q, schoolNumber);
    if (ids.length !== 1 || !ids[0]) throw new AppError('sso_unavailable');
    return schoolSso(q, ids[0]);
  });
  const config = await configOf(d, school);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  await d.db.system((q) =>
    insertSsoAttempt(q, {
      state,
      schoolId: school.id,
      codeVerifier: verifier,
      nonce,
      linkUserId: linkUserId?.userId ?? null,
      createdAt: d.clock.now(),
    }),
  );
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(d),
    scope: 'openid email profile',
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).href;
}

/** Back from the provider: check everything, find (or link) the person, open a session. */
export async function finishSso(d: AuthDeps, query: Record<string, string>, origin: Origin): Promise<{ token: string }> {
  const state = query.state ?? '';
  const attempt = await d.db.system((q) => takeSsoAttempt(q, state));
  if (!attempt || d.clock.now().getTime() - attempt.created_at.getTime() > ATTEMPT_MS) throw new AppError('sso_failed');
  const schoolId = attempt.school_id;
  const fail = async (reason: string) => {
    await d.db.schoolTx(schoolId, (q) =>
      audit(q, d.clock, { schoolId, ip: origin.ip, action: 'auth.sso_failed', outcome: 'failure', details: { reason } }),
    );
    return new AppError('sso_failed');
  };
  const school = await d.db.school(schoolId, (q) => schoolSso(q, schoolId));
  let claims: Record<string, unknown> | undefined;
  try {
    const config = await configOf(d, school);
    const current = new URL(redirectUri(d));
    for (const [k, v] of Object.entries(query)) current.searchParams.set(k, v);
    // The ID token's signature, issuer, audience (our client id), nonce and expiry are all checked here.
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: attempt.code_verifier,
      expectedState: state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
    const id = tokens.claims();
    claims = id ? { ...id } : undefined;
    if (id && claims && claims.email === undefined && tokens.access_token) {
      // Providers may keep e-mail out of the ID token; ask the userinfo endpoint, bound to the same subject.
      claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, id.sub)), ...claims };
    }
  } catch (err) {
    throw await fail(`token: ${(err as Error).message.slice(0, 200)}`);
  }
  if (!claims?.sub) throw await fail('no subject');
  const sub = String(claims.sub);
  const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : null;
  const verified = claims.email_verified === true;
  const user = await d.db
    .schoolTx(schoolId, async (q) => {
      let u: SsoUserRow | undefined;
      if (attempt.link_user_id) {
        u = await findSsoUser(q, attempt.link_user_id);
        if (u) {
          await setSsoSubject(q, u.id, sub);
          await audit(q, d.clock, {
            ...signingIn(schoolId, u, origin.ip),
            action: 'auth.sso_linked',
            target: `user:${u.id}`,
            details: { issuer: school.sso_issuer },
          });
        }
      }
      u ??= await findSsoUserBySubject(q, sub);
      if (!u && school.sso_email_link && verified && email) {
        // Linking by e-mail only when the administrator turned it on and the provider vouches for the address.
        u = await findLinkableSsoUserByEmail(q, email);
        if (u) {
          await setSsoSubject(q, u.id, sub);
          await audit(q, d.clock, {
            ...signingIn(schoolId, u, origin.ip),
            action: 'auth.sso_linked',
            target: `user:${u.id}`,
            details: { by: 'verified_email' },
          });
        }
      }
      return u;
    })
    .catch((err) => {
      // Another person already has this subject (users.sso_subject is unique).
      throw uniqueViolation(err, {});
    });
  if (!user || user.status !== 'active' || user.sso_mode === 'local')
    throw await fail(user ? `account ${user.status}/${user.sso_mode}` : 'no linked account');
  await checkNetworkAtSignIn(d, { schoolId, userId: user.id, username: user.username }, origin.ip, d.clock.now());
  const token = await d.db.schoolTx(schoolId, async (q) => {
    await setLastLogin(q, user.id, d.clock.now());
    const s = await d.sessions.create(q, { schoolId, userId: user.id, stage: 'done', ip: origin.ip, userAgent: origin.userAgent });
    await audit(q, d.clock, {
      ...signingIn(schoolId, user, origin.ip),
      action: 'auth.sso_login',
      target: `session:${s.id}`,
      details: { issuer: school.sso_issuer },
    });
    return s.token;
  });
  return { token };
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
