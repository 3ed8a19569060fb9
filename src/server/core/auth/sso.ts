import * as oidc from 'openid-client';
import type { z } from 'zod';
import type { SsoConfigBody } from '../../../contracts/admin.js';
import { audit } from '../audit/audit.js';
import { open, seal, sha256, subKey } from '../crypto/secrets.js';
import type { Queryable } from '../db/types.js';
import { AppError } from '../errors.js';
import type { AuthDeps, Origin } from './service.js';
import { networkRefused } from './service.js';

const ATTEMPT_MS = 10 * 60_000;
type Actor = { schoolId: string; userId: string; username: string; ip: string };

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

interface SchoolSso {
  id: string;
  sso_enabled: boolean;
  sso_issuer: string | null;
  sso_client_id: string | null;
  sso_client_secret: string | null;
  sso_email_link: boolean;
  sso_reviewed_at: Date | null;
}

async function schoolSso(q: Queryable, schoolId: string): Promise<SchoolSso> {
  const [s] = await q.query<SchoolSso>(
    'SELECT id, sso_enabled, sso_issuer, sso_client_id, sso_client_secret, sso_email_link, sso_reviewed_at FROM schools WHERE id = $1',
    [schoolId],
  );
  if (!s) throw new AppError('not_found');
  return s;
}

function configOf(d: Pick<AuthDeps, 'serverKey'>, s: SchoolSso): Promise<oidc.Configuration> {
  if (!s.sso_enabled || !s.sso_issuer || !s.sso_client_id || !s.sso_client_secret) throw new AppError('sso_unavailable');
  const secret = open(subKey(d.serverKey, 'sso'), s.sso_client_secret, `sso:${s.id}`).toString('utf8');
  return discover(s.sso_issuer, s.sso_client_id, secret);
}

export async function getSsoConfig(d: AuthDeps, schoolId: string) {
  const s = await d.db.school(schoolId, (q) => schoolSso(q, schoolId));
  return {
    enabled: s.sso_enabled,
    issuer: s.sso_issuer,
    clientId: s.sso_client_id,
    hasSecret: !!s.sso_client_secret,
    emailLink: s.sso_email_link,
    reviewedAt: s.sso_reviewed_at?.toISOString() ?? null,
    redirectUri: redirectUri(d),
  };
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
    await q.query(
      'UPDATE schools SET sso_enabled = $2, sso_issuer = $3, sso_client_id = $4, sso_client_secret = $5, sso_email_link = $6 WHERE id = $1',
      [a.schoolId, b.enabled, b.issuer, b.clientId, sealed, b.emailLink],
    );
    // The secret itself never goes into the audit log.
    await audit(q, d.clock, {
      schoolId: a.schoolId,
      actorId: a.userId,
      actorName: a.username,
      ip: a.ip,
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
    const rows = await q.query<{ id: string }>(
      schoolNumber ? 'SELECT id FROM schools WHERE school_number = $1' : 'SELECT id FROM schools',
      schoolNumber ? [schoolNumber] : [],
    );
    if (rows.length !== 1 || !rows[0]) throw new AppError('sso_unavailable');
    return schoolSso(q, rows[0].id);
  });
  const config = await configOf(d, school);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  await d.db.system((q) =>
    q.query('INSERT INTO sso_attempts (state, school_id, code_verifier, nonce, link_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      state,
      school.id,
      verifier,
      nonce,
      linkUserId?.userId ?? null,
      d.clock.now(),
    ]),
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
  const [attempt] = await d.db.system((q) =>
    q.query<{ school_id: string; code_verifier: string; nonce: string; link_user_id: string | null; created_at: Date }>(
      'DELETE FROM sso_attempts WHERE state = $1 RETURNING school_id, code_verifier, nonce, link_user_id, created_at',
      [state],
    ),
  );
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
      type U = { id: string; username: string; status: string; sso_mode: string; sso_subject: string | null };
      const cols = 'id, username, status, sso_mode, sso_subject';
      let u: U | undefined;
      if (attempt.link_user_id) {
        [u] = await q.query<U>(`SELECT ${cols} FROM users WHERE id = $1`, [attempt.link_user_id]);
        if (u) {
          await q.query('UPDATE users SET sso_subject = $2 WHERE id = $1', [u.id, sub]);
          await audit(q, d.clock, {
            schoolId,
            actorId: u.id,
            actorName: u.username,
            ip: origin.ip,
            action: 'auth.sso_linked',
            target: `user:${u.id}`,
            details: { issuer: school.sso_issuer },
          });
        }
      }
      u ??= (await q.query<U>(`SELECT ${cols} FROM users WHERE sso_subject = $1`, [sub]))[0];
      if (!u && school.sso_email_link && verified && email) {
        // Linking by e-mail only when the administrator turned it on and the provider vouches for the address.
        [u] = await q.query<U>(`SELECT ${cols} FROM users WHERE lower(email) = $1 AND sso_subject IS NULL AND sso_mode <> 'local'`, [
          email,
        ]);
        if (u) {
          await q.query('UPDATE users SET sso_subject = $2 WHERE id = $1', [u.id, sub]);
          await audit(q, d.clock, {
            schoolId,
            actorId: u.id,
            actorName: u.username,
            ip: origin.ip,
            action: 'auth.sso_linked',
            target: `user:${u.id}`,
            details: { by: 'verified_email' },
          });
        }
      }
      return u;
    })
    .catch((err) => {
      throw (err as { code?: string }).code === '23505' ? new AppError('conflict') : err;
    });
  if (!user || user.status !== 'active' || user.sso_mode === 'local')
    throw await fail(user ? `account ${user.status}/${user.sso_mode}` : 'no linked account');
  if (d.network) {
    const roles = await d.db.school(schoolId, (q) =>
      q.query<{ role_id: string }>('SELECT role_id FROM user_roles WHERE user_id = $1', [user.id]),
    );
    const v = await d.network.check(
      schoolId,
      roles.map((r) => r.role_id),
      origin.ip,
      d.clock.now(),
    );
    if (!v.ok) {
      await networkRefused(d, { schoolId, userId: user.id, username: user.username }, origin.ip, v.rule, 'sign-in');
      throw new AppError('network_refused', { rule: v.rule });
    }
  }
  const token = await d.db.schoolTx(schoolId, async (q) => {
    await q.query('UPDATE users SET last_login_at = $2 WHERE id = $1', [user.id, d.clock.now()]);
    const s = await d.sessions.create(q, { schoolId, userId: user.id, stage: 'done', ip: origin.ip, userAgent: origin.userAgent });
    await audit(q, d.clock, {
      schoolId,
      actorId: user.id,
      actorName: user.username,
      ip: origin.ip,
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
    const rows = await q.query<{ username: string }>('UPDATE users SET sso_mode = $2 WHERE id = $1 RETURNING username', [userId, mode]);
    if (!rows.length) throw new AppError('not_found');
    await audit(q, d.clock, {
      schoolId: a.schoolId,
      actorId: a.userId,
      actorName: a.username,
      ip: a.ip,
      action: 'users.sso_mode_changed',
      target: `user:${userId}`,
      details: { mode },
    });
  });
}

export async function markSsoReviewed(d: AuthDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await q.query('UPDATE schools SET sso_reviewed_at = $2 WHERE id = $1', [a.schoolId, d.clock.now()]);
    await audit(q, d.clock, { schoolId: a.schoolId, actorId: a.userId, actorName: a.username, ip: a.ip, action: 'sso.reviewed' });
  });
}
