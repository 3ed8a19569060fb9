import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import type { SessionStage } from '../../../contracts/auth.js';
import { audit } from '../audit/audit.js';
import { uniqueViolation } from '../db/unique.js';
import { AppError } from '../errors.js';
import { notifyUser } from '../notify/notify.js';
import { type AuthDeps, type Origin, signingIn } from './common.js';
import { checkNetworkAtSignIn } from './network-refused.js';
import { iatRefused, providerConfirmedMfa, ssoRefusal, ssoStage } from './policy.js';
import { findActiveHolders } from './queries/roles.js';
import {
  type SsoUserRow,
  findLinkableSsoUserByEmail,
  findSchoolIds,
  findSchoolSso,
  findSsoUser,
  findSsoUserBySubject,
  findSuspendedLinkBySubject,
  insertSsoAttempt,
  setSsoSubject,
  takeSsoAttempt,
} from './queries/sso.js';
import { setLastLogin } from './queries/users.js';
import { configOf, redirectUri, schoolSso } from './sso-provider.js';

/** An attempt must come back from the provider within this time. */
export const ATTEMPT_MS = 10 * 60_000;

/**
 * The browser that starts a flow gets a random value in a cookie; the `state` sent to the provider is
 * its hash. Only that browser can finish the flow: a callback URL opened elsewhere (login CSRF) or a
 * "link my account" URL passed to someone else carries the state but not the value behind it.
 */
export function stateFor(binding: string): string {
  return createHash('sha256').update(`sams-sso-state\n${binding}`).digest('base64url');
}

function boundToThisBrowser(binding: string | undefined, state: string): boolean {
  if (!binding || !state) return false;
  const want = Buffer.from(stateFor(binding));
  const got = Buffer.from(state);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The provider, discovered; one that does not answer is named as such (not a server error). */
async function reach(d: AuthDeps, school: Awaited<ReturnType<typeof schoolSso>>): Promise<oidc.Configuration> {
  try {
    return await configOf(d, school);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('sso_provider_unreachable');
  }
}

/** Whether this organisation (by code, or the only one when none is given) signs in through single sign-on. */
export async function ssoOffered(d: AuthDeps, schoolNumber: string | undefined): Promise<boolean> {
  return d.db.system(async (q) => {
    const ids = await findSchoolIds(q, schoolNumber);
    if (ids.length !== 1 || !ids[0]) return false;
    const s = await findSchoolSso(q, ids[0]);
    return !!s?.sso_enabled && !!s.sso_issuer && !!s.sso_client_id && !!s.sso_client_secret;
  });
}

/** Begin a sign-in (or, for a signed-in person, a link) at the provider: authorisation code with PKCE. */
export async function startSso(
  d: AuthDeps,
  schoolNumber: string | undefined,
  linkUserId?: { schoolId: string; userId: string },
): Promise<{ url: string; binding: string }> {
  const school = await d.db.system(async (q) => {
    if (linkUserId) return schoolSso(q, linkUserId.schoolId);
    const ids = await findSchoolIds(q, schoolNumber);
    if (ids.length !== 1 || !ids[0]) throw new AppError('sso_unavailable');
    return schoolSso(q, ids[0]);
  });
  const config = await reach(d, school);
  const binding = randomBytes(32).toString('base64url');
  const state = stateFor(binding);
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
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(d),
    scope: 'openid email profile',
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    // Asked for, not relied on: what counts is the `acr` or `amr` in the ID token that comes back.
    ...(school.sso_mfa_trusted && school.sso_mfa_acr.length ? { acr_values: school.sso_mfa_acr.join(' ') } : {}),
  }).href;
  return { url, binding };
}

/** Back from the provider: check everything, find (or link) the person, open a session. */
export async function finishSso(
  d: AuthDeps,
  query: Record<string, string>,
  binding: string | undefined,
  origin: Origin,
): Promise<{ token: string; stage: SessionStage }> {
  const state = query.state ?? '';
  // Checked before the attempt is taken, so a stranger's request cannot use up the real browser's attempt.
  if (!boundToThisBrowser(binding, state)) throw new AppError('sso_failed');
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
  const issuer = school.sso_issuer ?? '';
  let config: oidc.Configuration;
  try {
    config = await reach(d, school);
  } catch (err) {
    await fail(`provider: ${(err as Error).message.slice(0, 200)}`);
    throw err;
  }
  let claims: Record<string, unknown> | undefined;
  // How the person signed in at the provider: read from the ID token alone (never the userinfo answer).
  let authn: { amr?: unknown; acr?: unknown } | undefined;
  try {
    const current = new URL(redirectUri(d));
    for (const [k, v] of Object.entries(query)) current.searchParams.set(k, v);
    // Checked here: the ID token's issuer, audience (our client id), azp, nonce, expiry and presence of
    // iat; state and PKCE. Not its signature: a token taken straight from the token endpoint over TLS
    // (https is required except for a provider on loopback) is trusted as the endpoint's own answer, as
    // OpenID Connect Core 3.1.3.7 allows. See docs/security-model.md.
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: attempt.code_verifier,
      expectedState: state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
    const id = tokens.claims();
    claims = id ? { ...id } : undefined;
    authn = { amr: id?.amr, acr: id?.acr };
    if (id && claims && claims.email === undefined && tokens.access_token) {
      // Providers may keep e-mail out of the ID token; ask the userinfo endpoint, bound to the same subject.
      claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, id.sub)), ...claims };
    }
  } catch (err) {
    throw await fail(`token: ${(err as Error).message.slice(0, 200)}`);
  }
  if (!claims?.sub) throw await fail('no subject');
  if (iatRefused(claims.iat, d.clock.now())) throw await fail('token issued in the future');
  const sub = String(claims.sub);
  const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : null;
  const verified = claims.email_verified === true;
  let suspended: SsoUserRow | undefined;
  const user = await d.db
    .schoolTx(schoolId, async (q) => {
      let u: SsoUserRow | undefined;
      if (attempt.link_user_id) {
        u = await findSsoUser(q, attempt.link_user_id);
        // The break-glass account is never linked (ssoRefusal below refuses it too).
        if (u && u.account_kind !== 'break_glass') {
          await setSsoSubject(q, u.id, issuer, sub);
          await audit(q, d.clock, {
            ...signingIn(schoolId, u, origin.ip),
            action: 'auth.sso_linked',
            target: `user:${u.id}`,
            details: { issuer },
          });
        }
      }
      u ??= await findSsoUserBySubject(q, issuer, sub);
      if (!u) {
        // A link made at another provider: the same subject there may be someone else entirely.
        suspended = await findSuspendedLinkBySubject(q, issuer, sub);
        if (suspended) return undefined;
      }
      if (!u && school.sso_email_link && verified && email) {
        // Linking by e-mail only when the administrator turned it on and the provider vouches for the address.
        u = await findLinkableSsoUserByEmail(q, email);
        if (u) {
          await setSsoSubject(q, u.id, issuer, sub);
          await audit(q, d.clock, {
            ...signingIn(schoolId, u, origin.ip),
            action: 'auth.sso_linked',
            target: `user:${u.id}`,
            details: { by: 'verified_email', issuer },
          });
        }
      }
      return u;
    })
    .catch((err) => {
      // Another person already has this subject at this issuer (unique per school, issuer and subject).
      throw uniqueViolation(err, {});
    });
  if (suspended) {
    const who = suspended;
    await d.db.schoolTx(schoolId, (q) => tellLinkSuspended(d, q, schoolId, who, issuer, origin.ip));
    throw await fail('link made at another issuer');
  }
  const refused = ssoRefusal(user && { status: user.status, ssoMode: user.sso_mode, accountKind: user.account_kind });
  if (refused || !user) throw await fail(refused ?? 'no linked account');
  await checkNetworkAtSignIn(d, { schoolId, userId: user.id, username: user.username }, origin.ip, d.clock.now());
  // Security roles pass the local second factor after the provider, as after a password, unless the
  // school accepts the provider's word for one and the ID token gives it.
  const providerMfa =
    user.mfa_required &&
    providerConfirmedMfa({ enabled: school.sso_mfa_trusted, amr: school.sso_mfa_amr, acr: school.sso_mfa_acr }, authn ?? {});
  const stage = ssoStage({ enrolled: !!user.mfa_enrolled_at, mfaRequired: user.mfa_required }, providerMfa);
  const token = await d.db.schoolTx(schoolId, async (q) => {
    if (stage === 'done') await setLastLogin(q, user.id, d.clock.now());
    const s = await d.sessions.create(q, { schoolId, userId: user.id, stage, ip: origin.ip, userAgent: origin.userAgent });
    await audit(q, d.clock, {
      ...signingIn(schoolId, user, origin.ip),
      action: stage === 'done' ? 'auth.sso_login' : 'auth.sso_verified',
      target: `session:${s.id}`,
      details: { issuer, next: stage, ...(providerMfa ? { providerMfa: true } : {}) },
    });
    return s.token;
  });
  return { token, stage };
}

/**
 * Someone came back from the school's provider with the subject of a link made at another provider:
 * refused, and the people who manage single sign-on are told (once a day per person), with what to do.
 */
async function tellLinkSuspended(
  d: AuthDeps,
  q: Parameters<typeof audit>[0],
  schoolId: string,
  u: SsoUserRow,
  issuer: string,
  ip: string,
): Promise<void> {
  await audit(q, d.clock, {
    schoolId,
    actorId: null,
    actorName: 'system',
    ip,
    action: 'auth.sso_link_suspended',
    target: `user:${u.id}`,
    outcome: 'failure',
    details: { linkedIssuer: u.sso_issuer, issuer },
  });
  const day = Math.floor(d.clock.now().getTime() / 86_400_000);
  for (const admin of await findActiveHolders(q, 'sso.manage')) {
    await notifyUser(q, d.clock, {
      schoolId,
      userId: admin.id,
      kind: 'security.sso_link_suspended',
      titleKey: 'notifications.ssoLinkSuspended',
      params: { username: u.username },
      link: '/admin/sso',
      idemKey: `sso-link-suspended:${u.id}:${day}:${admin.id}`,
    });
  }
}
