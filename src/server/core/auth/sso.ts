import * as oidc from 'openid-client';
import { audit } from '../audit/audit.js';
import { uniqueViolation } from '../db/unique.js';
import { AppError } from '../errors.js';
import { type AuthDeps, type Origin, signingIn } from './common.js';
import { checkNetworkAtSignIn } from './network-refused.js';
import { ssoRefusal } from './policy.js';
import {
  type SsoUserRow,
  findLinkableSsoUserByEmail,
  findSchoolIds,
  findSsoUser,
  findSsoUserBySubject,
  insertSsoAttempt,
  setSsoSubject,
  takeSsoAttempt,
} from './queries/sso.js';
import { setLastLogin } from './queries/users.js';
import { configOf, redirectUri, schoolSso } from './sso-provider.js';

/** An attempt must come back from the provider within this time. */
const ATTEMPT_MS = 10 * 60_000;

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
  const refused = ssoRefusal(user && { status: user.status, ssoMode: user.sso_mode });
  if (refused || !user) throw await fail(refused ?? 'no linked account');
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
