import QRCode from 'qrcode';
import type { AuditAction } from '../../../contracts/audit.js';
import type { SessionStage } from '../../../contracts/auth.js';
import type { Config } from '../../config.js';
import { PLATFORM_CHAIN, audit } from '../audit/audit.js';
import type { Clock } from '../clock.js';
import { subKey } from '../crypto/secrets.js';
import type { Database, Queryable } from '../db/types.js';
import { AppError } from '../errors.js';
import { securityEvent } from '../notify/notify.js';
import { LOCKOUT_WINDOW_MS, lockoutDuration } from './lockout.js';
import type { NetworkGate } from './network-gate.js';
import { checkPassword, hashPassword, verifyPassword } from './password.js';
import { SECURITY_PERMISSIONS } from './permissions.js';
import type { Session, SessionStore } from './sessions.js';
import { checkTotp, hashRecoveryCode, newRecoveryCodes, newTotpSecret, openTotp, sealTotp, totpUri } from './totp.js';

export interface AuthDeps {
  /** Network zones and time profiles (memo U2), when a module provides them. */
  network?: NetworkGate;
  db: Database;
  clock: Clock;
  config: Config;
  sessions: SessionStore;
  serverKey: Buffer;
  smtpConfigured: boolean;
}

export interface Origin {
  ip: string;
  userAgent: string | null;
}

interface UserRow {
  id: string;
  school_id: string;
  username: string;
  display_name_zh: string | null;
  display_name_en: string;
  email: string | null;
  password_hash: string;
  status: string;
  locked_until: Date | null;
  must_change_password: boolean;
  mfa_enrolled_at: Date | null;
  totp_secret: string | null;
  totp_last_step: number | null;
  mfa_required: boolean;
  sso_mode: string;
}

const USER_COLUMNS = `u.id, u.school_id, u.username, u.display_name_zh, u.display_name_en, u.email, u.password_hash, u.status,
  u.locked_until, u.must_change_password, u.mfa_enrolled_at, u.totp_secret, u.totp_last_step, u.sso_mode,
  EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
          WHERE ur.user_id = u.id AND rp.permission = ANY($2)) AS mfa_required`;

let dummyHash: Promise<string> | undefined;

export const hashFor = (d: Pick<AuthDeps, 'config'>, password: string) =>
  hashPassword(password, { memoryCost: d.config.ARGON2_MEMORY_KIB });

/** Where a person goes after each step of signing in. */
export function firstStage(u: { enrolled: boolean; mustChange: boolean; mfaRequired: boolean }): SessionStage {
  if (u.enrolled) return 'mfa';
  if (u.mustChange) return 'password';
  return u.mfaRequired ? 'enrol' : 'done';
}
export function stageAfter(done: SessionStage, u: { enrolled: boolean; mustChange: boolean; mfaRequired: boolean }): SessionStage {
  if (done === 'mfa') return u.mustChange ? 'password' : 'done';
  if (done === 'password') return !u.enrolled && u.mfaRequired ? 'enrol' : 'done';
  return 'done';
}

async function rateLimit(d: AuthDeps, ip: string): Promise<void> {
  const now = d.clock.now().getTime();
  const window = new Date(now - (now % 60_000));
  const [row] = await d.db.system((q) =>
    q.query<{ count: number }>(
      `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`,
      [`login:${ip}`, window],
    ),
  );
  if ((row?.count ?? 0) > d.config.LOGIN_RATE_PER_MINUTE) {
    throw new AppError('rate_limited', { retryAfter: Math.ceil((window.getTime() + 60_000 - now) / 1000) });
  }
}

async function findUser(d: AuthDeps, username: string): Promise<UserRow | undefined> {
  const rows = await d.db.system((q) =>
    q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.username = $1`, [username, SECURITY_PERMISSIONS]),
  );
  return rows[0];
}

async function userById(q: Queryable, id: string): Promise<UserRow> {
  const [u] = await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id, SECURITY_PERMISSIONS]);
  if (!u) throw new AppError('unauthenticated');
  return u;
}

function lockedFor(u: Pick<UserRow, 'locked_until'>, now: Date): number {
  return u.locked_until && u.locked_until > now ? Math.ceil((u.locked_until.getTime() - now.getTime()) / 1000) : 0;
}

/**
 * Record a failed password or code: counts failures in the last 15 minutes and locks the
 * account for a time that doubles with each failure from the 10th (1 min … 15 min).
 */
async function recordFailure(d: AuthDeps, u: UserRow, origin: Origin, action: AuditAction, reason: string): Promise<number> {
  const now = d.clock.now();
  return d.db.schoolTx(u.school_id, async (q) => {
    await q.query('INSERT INTO auth_failures (school_id, user_id, at) VALUES ($1, $2, $3)', [u.school_id, u.id, now]);
    const [c] = await q.query<{ n: number }>('SELECT count(*) AS n FROM auth_failures WHERE user_id = $1 AND at > $2', [
      u.id,
      new Date(now.getTime() - LOCKOUT_WINDOW_MS),
    ]);
    const failures = c?.n ?? 0;
    const actor = { actorId: u.id, actorName: u.username, ip: origin.ip };
    await audit(q, d.clock, {
      schoolId: u.school_id,
      ...actor,
      action,
      target: `user:${u.id}`,
      outcome: 'failure',
      details: { reason, failures },
    });
    const ms = lockoutDuration(failures);
    if (ms > 0) {
      const until = new Date(now.getTime() + ms);
      await q.query('UPDATE users SET locked_until = $2 WHERE id = $1', [u.id, until]);
      await audit(q, d.clock, {
        schoolId: u.school_id,
        ...actor,
        action: 'auth.lockout',
        target: `user:${u.id}`,
        details: { until: until.toISOString(), failures },
      });
      await securityEvent(q, d.clock, d.smtpConfigured, {
        schoolId: u.school_id,
        event: 'account_locked',
        titleKey: 'notifications.accountLocked',
        params: { username: u.username },
        subject: `Account locked / 帳戶已鎖定: ${u.username}`,
        body: `The account ${u.username} was locked after ${failures} failed sign-in attempts (from ${origin.ip}) until ${until.toISOString()}.\n帳戶 ${u.username} 因 ${failures} 次登入失敗已被鎖定。`,
        idemKey: `lockout:${u.id}:${until.toISOString()}`,
        fallbackPermission: 'users.unlock',
      });
      return Math.ceil(ms / 1000);
    }
    return 0;
  });
}

export async function login(
  d: AuthDeps,
  username: string,
  password: string,
  origin: Origin,
): Promise<{ token: string; stage: SessionStage }> {
  await rateLimit(d, origin.ip);
  const u = await findUser(d, username);
  if (!u) {
    dummyHash ??= hashFor(d, 'not-a-password-of-anyone');
    await verifyPassword(await dummyHash, password); // same time as a real check: do not reveal who exists
    await d.db.systemTx((q) =>
      audit(q, d.clock, {
        schoolId: null,
        actorName: username.slice(0, 64),
        ip: origin.ip,
        action: 'auth.login_failed',
        outcome: 'failure',
        details: { reason: 'unknown_user' },
      }),
    );
    throw new AppError('invalid_credentials');
  }
  const now = d.clock.now();
  const locked = lockedFor(u, now);
  if (locked) {
    await d.db.schoolTx(u.school_id, (q) =>
      audit(q, d.clock, {
        schoolId: u.school_id,
        actorId: u.id,
        actorName: u.username,
        ip: origin.ip,
        action: 'auth.login_failed',
        target: `user:${u.id}`,
        outcome: 'failure',
        details: { reason: 'locked' },
      }),
    );
    throw new AppError('account_locked', { retryAfter: locked });
  }
  if (!(await verifyPassword(u.password_hash, password))) {
    const lockedNow = await recordFailure(d, u, origin, 'auth.login_failed', 'bad_password');
    throw lockedNow ? new AppError('account_locked', { retryAfter: lockedNow }) : new AppError('invalid_credentials');
  }
  if (u.status !== 'active') {
    await d.db.schoolTx(u.school_id, (q) =>
      audit(q, d.clock, {
        schoolId: u.school_id,
        actorId: u.id,
        actorName: u.username,
        ip: origin.ip,
        action: 'auth.login_failed',
        outcome: 'failure',
        details: { reason: 'disabled' },
      }),
    );
    throw new AppError('account_disabled');
  }
  if (u.sso_mode === 'required') {
    // This person signs in only through the school's single sign-on (memo U2).
    await d.db.schoolTx(u.school_id, (q) =>
      audit(q, d.clock, {
        schoolId: u.school_id,
        actorId: u.id,
        actorName: u.username,
        ip: origin.ip,
        action: 'auth.login_failed',
        outcome: 'failure',
        details: { reason: 'sso_required' },
      }),
    );
    throw new AppError('sso_required');
  }
  if (d.network) {
    const roles = await d.db.school(u.school_id, (q) =>
      q.query<{ role_id: string }>('SELECT role_id FROM user_roles WHERE user_id = $1', [u.id]),
    );
    const v = await d.network.check(
      u.school_id,
      roles.map((r) => r.role_id),
      origin.ip,
      now,
    );
    if (!v.ok) {
      await networkRefused(d, { schoolId: u.school_id, userId: u.id, username: u.username }, origin.ip, v.rule, 'sign-in');
      throw new AppError('network_refused', { rule: v.rule });
    }
  }
  const stage = firstStage({ enrolled: !!u.mfa_enrolled_at, mustChange: u.must_change_password, mfaRequired: u.mfa_required });
  const token = await d.db.schoolTx(u.school_id, async (q) => {
    // Failures are forgotten only when sign-in is complete: a right password must not reset the
    // count of wrong second-factor codes.
    if (stage === 'done') await q.query('DELETE FROM auth_failures WHERE user_id = $1', [u.id]);
    if (stage === 'done') await q.query('UPDATE users SET last_login_at = $2 WHERE id = $1', [u.id, now]);
    const s = await d.sessions.create(q, { schoolId: u.school_id, userId: u.id, stage, ip: origin.ip, userAgent: origin.userAgent });
    await audit(q, d.clock, {
      schoolId: u.school_id,
      actorId: u.id,
      actorName: u.username,
      ip: origin.ip,
      action: stage === 'done' ? 'auth.login' : 'auth.password_verified',
      target: `session:${s.id}`,
      details: { next: stage },
    });
    return s.token;
  });
  return { token, stage };
}

/** Second step: a TOTP code or a single-use recovery code. */
export async function verifyMfa(d: AuthDeps, s: Session, code: string, origin: Origin): Promise<{ token: string; stage: SessionStage }> {
  if (s.stage !== 'mfa') throw new AppError('conflict');
  const u = await d.db.school(s.schoolId, (q) => userById(q, s.userId));
  const locked = lockedFor(u, d.clock.now());
  if (locked) throw new AppError('account_locked', { retryAfter: locked });
  if (!u.totp_secret) throw new AppError('conflict');
  const now = d.clock.now();
  const key = subKey(d.serverKey, 'totp');
  let how: 'totp' | 'recovery' | null = null;
  let step: number | null = null;
  if (/^\d{6}$/.test(code)) {
    step = await checkTotp(openTotp(key, u.id, u.totp_secret), code, now, u.totp_last_step);
    if (step !== null) how = 'totp';
  }
  const result = await d.db.schoolTx(s.schoolId, async (q) => {
    if (how === 'totp') {
      // Atomic: of two requests with the same code, only one moves the step forward.
      const moved = await q.query(
        'UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
        [u.id, step],
      );
      if (!moved.length) how = null;
    } else {
      const used = await q.query(
        `UPDATE recovery_codes SET used_at = $3 WHERE id = (
           SELECT id FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL LIMIT 1) AND used_at IS NULL RETURNING id`,
        [u.id, hashRecoveryCode(code), now],
      );
      if (used.length) how = 'recovery';
    }
    if (!how) return null;
    const flags = { enrolled: true, mustChange: u.must_change_password, mfaRequired: u.mfa_required };
    const stage = stageAfter('mfa', flags);
    await q.query('DELETE FROM auth_failures WHERE user_id = $1', [u.id]);
    if (stage === 'done') await q.query('UPDATE users SET last_login_at = $2 WHERE id = $1', [u.id, now]);
    const token = await d.sessions.rotate(q, s, stage, origin.ip, origin.userAgent);
    const actor = { schoolId: s.schoolId, actorId: u.id, actorName: u.username, ip: origin.ip };
    await audit(q, d.clock, { ...actor, action: 'auth.mfa_verified', target: `user:${u.id}`, details: { method: how } });
    if (stage === 'done') await audit(q, d.clock, { ...actor, action: 'auth.login', target: `user:${u.id}`, details: { mfa: how } });
    return { token, stage };
  });
  if (!result) {
    const lockedNow = await recordFailure(d, u, origin, 'auth.mfa_failed', 'bad_code');
    throw lockedNow ? new AppError('account_locked', { retryAfter: lockedNow }) : new AppError('mfa_invalid');
  }
  await d.sessions.forget([s.tokenHash]);
  return result;
}

export async function startEnrolment(
  d: AuthDeps,
  s: Session,
  origin: Origin,
): Promise<{ secret: string; otpauthUri: string; qrDataUrl: string }> {
  const secret = newTotpSecret();
  const schoolNumber = await d.db.schoolTx(s.schoolId, async (q) => {
    const u = await userById(q, s.userId);
    if (u.mfa_enrolled_at) throw new AppError('conflict');
    await q.query('UPDATE users SET totp_pending = $2 WHERE id = $1', [u.id, sealTotp(subKey(d.serverKey, 'totp'), u.id, secret)]);
    await audit(q, d.clock, {
      schoolId: s.schoolId,
      actorId: u.id,
      actorName: u.username,
      ip: origin.ip,
      action: 'auth.mfa_enrolment_started',
      target: `user:${u.id}`,
    });
    const [school] = await q.query<{ school_number: string }>('SELECT school_number FROM schools WHERE id = $1', [s.schoolId]);
    return school?.school_number ?? '';
  });
  const otpauthUri = totpUri(secret, `HK School Admin ${schoolNumber}`.trim(), s.username);
  return { secret, otpauthUri, qrDataUrl: await QRCode.toDataURL(otpauthUri, { margin: 1, width: 220 }) };
}

async function replaceRecoveryCodes(q: Queryable, s: Session): Promise<string[]> {
  const codes = newRecoveryCodes(10);
  await q.query('DELETE FROM recovery_codes WHERE user_id = $1', [s.userId]);
  await q.query('INSERT INTO recovery_codes (school_id, user_id, code_hash) SELECT $1, $2, h FROM unnest($3::bytea[]) AS h', [
    s.schoolId,
    s.userId,
    codes.map(hashRecoveryCode),
  ]);
  return codes;
}

export async function confirmEnrolment(
  d: AuthDeps,
  s: Session,
  code: string,
  origin: Origin,
): Promise<{ codes: string[]; token: string; stage: SessionStage }> {
  const key = subKey(d.serverKey, 'totp');
  const u = await d.db.school(s.schoolId, (q) =>
    q.query<{ totp_pending: string | null; mfa_enrolled_at: Date | null; must_change_password: boolean }>(
      'SELECT totp_pending, mfa_enrolled_at, must_change_password FROM users WHERE id = $1',
      [s.userId],
    ),
  );
  const row = u[0];
  if (!row?.totp_pending || row.mfa_enrolled_at) throw new AppError('conflict');
  const step = await checkTotp(openTotp(key, s.userId, row.totp_pending), code, d.clock.now(), null);
  if (step === null) {
    await d.db.schoolTx(s.schoolId, (q) =>
      audit(q, d.clock, {
        schoolId: s.schoolId,
        actorId: s.userId,
        actorName: s.username,
        ip: origin.ip,
        action: 'auth.mfa_failed',
        outcome: 'failure',
        details: { reason: 'enrolment_code' },
      }),
    );
    throw new AppError('mfa_invalid');
  }
  const out = await d.db.schoolTx(s.schoolId, async (q) => {
    await q.query(
      'UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $2, mfa_enrolled_at = $3, version = version + 1 WHERE id = $1',
      [s.userId, step, d.clock.now()],
    );
    const codes = await replaceRecoveryCodes(q, s);
    const stage: SessionStage = s.stage === 'enrol' ? 'done' : s.stage;
    if (stage === 'done' && s.stage !== 'done')
      await q.query('UPDATE users SET last_login_at = $2 WHERE id = $1', [s.userId, d.clock.now()]);
    const token = await d.sessions.rotate(q, s, stage, origin.ip, origin.userAgent);
    await audit(q, d.clock, {
      schoolId: s.schoolId,
      actorId: s.userId,
      actorName: s.username,
      ip: origin.ip,
      action: 'auth.mfa_enrolled',
      target: `user:${s.userId}`,
    });
    return { codes, token, stage };
  });
  await d.sessions.forget([s.tokenHash]);
  return out;
}

export async function regenerateRecoveryCodes(d: AuthDeps, s: Session, code: string, origin: Origin): Promise<string[]> {
  const u = await d.db.school(s.schoolId, (q) => userById(q, s.userId));
  if (!u.totp_secret) throw new AppError('conflict');
  const step = await checkTotp(openTotp(subKey(d.serverKey, 'totp'), u.id, u.totp_secret), code, d.clock.now(), u.totp_last_step);
  if (step === null) {
    await recordFailure(d, u, origin, 'auth.mfa_failed', 'regenerate_codes');
    throw new AppError('mfa_invalid');
  }
  return d.db.schoolTx(s.schoolId, async (q) => {
    const moved = await q.query(
      'UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
      [u.id, step],
    );
    if (!moved.length) throw new AppError('mfa_invalid');
    const codes = await replaceRecoveryCodes(q, s);
    await audit(q, d.clock, {
      schoolId: s.schoolId,
      actorId: u.id,
      actorName: u.username,
      ip: origin.ip,
      action: 'auth.recovery_codes_regenerated',
      target: `user:${u.id}`,
    });
    return codes;
  });
}

export async function changePassword(
  d: AuthDeps,
  s: Session,
  current: string,
  next: string,
  origin: Origin,
): Promise<{ token: string; stage: SessionStage }> {
  // Only someone fully signed in, or asked to change it, may change the password: a password alone
  // (stage `mfa`) must not be enough to lock the owner out.
  if (s.stage !== 'done' && s.stage !== 'password') throw new AppError('mfa_required');
  const u = await d.db.school(s.schoolId, (q) => userById(q, s.userId));
  const policy = checkPassword(next, [u.username, u.display_name_en, u.display_name_zh, u.email?.split('@')[0]]);
  if (policy) throw new AppError(policy);
  if (!(await verifyPassword(u.password_hash, current))) {
    const locked = await recordFailure(d, u, origin, 'auth.password_change_failed', 'bad_current_password');
    throw locked ? new AppError('account_locked', { retryAfter: locked }) : new AppError('invalid_credentials');
  }
  if (await verifyPassword(u.password_hash, next)) throw new AppError('password_reused');
  const hash = await hashFor(d, next);
  const now = d.clock.now();
  const { token, stage, others } = await d.db.schoolTx(s.schoolId, async (q) => {
    await q.query(
      'UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = false, version = version + 1 WHERE id = $1',
      [u.id, hash, now],
    );
    const others = (await d.sessions.hashesOfUser(q, u.id)).filter((h) => !h.equals(s.tokenHash));
    await q.query('DELETE FROM sessions WHERE token_hash = ANY($1)', [others]);
    const stage =
      s.stage === 'password'
        ? stageAfter('password', { enrolled: !!u.mfa_enrolled_at, mustChange: false, mfaRequired: u.mfa_required })
        : s.stage;
    if (stage === 'done' && s.stage !== 'done') await q.query('UPDATE users SET last_login_at = $2 WHERE id = $1', [u.id, now]);
    const token = await d.sessions.rotate(q, s, stage, origin.ip, origin.userAgent);
    await audit(q, d.clock, {
      schoolId: s.schoolId,
      actorId: u.id,
      actorName: u.username,
      ip: origin.ip,
      action: 'auth.password_changed',
      target: `user:${u.id}`,
      details: { otherSessionsEnded: others.length },
    });
    return { token, stage, others };
  });
  await d.sessions.forget([s.tokenHash, ...others]);
  return { token, stage };
}

export async function logout(d: AuthDeps, s: Session, origin: Origin): Promise<void> {
  await d.db.schoolTx(s.schoolId, async (q) => {
    await q.query('DELETE FROM sessions WHERE token_hash = $1', [s.tokenHash]);
    await audit(q, d.clock, {
      schoolId: s.schoolId,
      actorId: s.userId,
      actorName: s.username,
      ip: origin.ip,
      action: 'auth.logout',
      target: `session:${s.id}`,
    });
  });
  await d.sessions.forget([s.tokenHash]);
}

export async function rotateForRights(d: AuthDeps, s: Session, origin: Origin): Promise<{ token: string; session: Session }> {
  const token = await d.db.schoolTx(s.schoolId, async (q) => {
    const u = await userById(q, s.userId);
    // Rights changed: someone newly holding a security permission must enrol MFA first.
    const stage: SessionStage = s.stage === 'done' && u.mfa_required && !u.mfa_enrolled_at ? 'enrol' : s.stage;
    const t = await d.sessions.rotate(q, s, stage, origin.ip, origin.userAgent);
    await audit(q, d.clock, {
      schoolId: s.schoolId,
      actorId: s.userId,
      actorName: s.username,
      ip: origin.ip,
      action: 'auth.session_rotated',
      details: { reason: 'rights_changed', stage },
    });
    return t;
  });
  await d.sessions.forget([s.tokenHash]);
  const session = await d.sessions.resolve(token);
  if (!session) throw new AppError('unauthenticated');
  return { token, session };
}

/** A sign-in or a session refused by the network rules: audited, and sent to the people who manage them. */
export async function networkRefused(
  d: Pick<AuthDeps, 'db' | 'clock' | 'smtpConfigured'>,
  who: { schoolId: string; userId: string; username: string },
  ip: string,
  rule: string,
  when: 'sign-in' | 'request',
): Promise<void> {
  const now = d.clock.now();
  await d.db.schoolTx(who.schoolId, async (q) => {
    await audit(q, d.clock, {
      schoolId: who.schoolId,
      actorId: who.userId,
      actorName: who.username,
      ip,
      action: 'auth.network_refused',
      target: `user:${who.userId}`,
      outcome: 'failure',
      details: { rule, when },
    });
    await securityEvent(q, d.clock, d.smtpConfigured, {
      schoolId: who.schoolId,
      event: 'network_refused',
      titleKey: 'notifications.networkRefused',
      params: { username: who.username, ip },
      subject: `Sign-in refused by network rule / 網絡規則拒絕登入: ${who.username}`,
      body: `${who.username} was refused (${rule}) from ${ip} at ${now.toISOString()}.\n${who.username} 從 ${ip} 登入被網絡規則拒絕（${rule}）。`,
      idemKey: `network-refused:${who.userId}:${ip}:${Math.floor(now.getTime() / 600_000)}`,
      fallbackPermission: 'network.manage',
    });
  });
}

export { PLATFORM_CHAIN };
