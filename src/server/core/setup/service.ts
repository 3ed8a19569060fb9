import type { z } from 'zod';
import type { SetupBody, SetupStatus } from '../../../contracts/auth.js';
import { AUTHORITY_ROLE_TEMPLATES, ROLE_TEMPLATES } from '../auth/permissions.js';
import { audit } from '../audit/audit.js';
import { checkPassword } from '../auth/password.js';
import { seedRoles } from '../auth/roles.js';
import { type AuthDeps, hashFor } from '../auth/service.js';
import type { Clock } from '../clock.js';
import { newSchoolKey } from '../crypto/school-key.js';
import { randomToken, sha256 } from '../crypto/secrets.js';
import type { Database, Queryable } from '../db/types.js';
import { AppError } from '../errors.js';

const DAY = 24 * 3600_000;
type AuthorityCode = 'EDB' | 'HKEAA';

/** A one-time setup link: random, single use, valid 24 hours. Only its hash is stored. */
export async function createSetupToken(
  db: Database,
  clock: Clock,
  authority: AuthorityCode | null = null,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken(24);
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + DAY);
  await db.systemTx(async (q) => {
    await q.query('INSERT INTO setup_tokens (token_hash, created_at, expires_at, authority_code) VALUES ($1, $2, $3, $4)', [
      sha256(token),
      now,
      expiresAt,
      authority,
    ]);
    await audit(q, clock, {
      schoolId: null,
      action: authority ? 'setup.authority_link_created' : 'setup.link_created',
      details: { expiresAt: expiresAt.toISOString(), authority },
    });
  });
  return { token, expiresAt };
}

export async function schoolCount(db: Database): Promise<number> {
  const [r] = await db.system((q) => q.query<{ n: number }>('SELECT count(*) AS n FROM schools'));
  return r?.n ?? 0;
}

async function usableToken(q: Queryable, clock: Clock, token: string, lock: boolean) {
  const [row] = await q.query<{ expires_at: Date; used_at: Date | null; authority_code: AuthorityCode | null }>(
    `SELECT expires_at, used_at, authority_code FROM setup_tokens WHERE token_hash = $1${lock ? ' FOR UPDATE' : ''}`,
    [sha256(token)],
  );
  return row && !row.used_at && row.expires_at > clock.now() ? row : undefined;
}

export async function setupStatus(db: Database, clock: Clock, token: string): Promise<z.infer<typeof SetupStatus>> {
  const row = await db.system((q) => usableToken(q, clock, token, false));
  const code = row?.authority_code ?? null;
  return { valid: !!row, expiresAt: row?.expires_at.toISOString() ?? null, authority: code ? { code, ...AUTHORITY_NAMES[code] } : null };
}

/** The authorities an installation can host; their names are fixed, their users and keys are their own. */
export const AUTHORITY_NAMES: Record<AuthorityCode, { nameZh: string; nameEn: string }> = {
  EDB: { nameZh: '教育局', nameEn: 'Education Bureau' },
  HKEAA: { nameZh: '香港考試及評核局', nameEn: 'Hong Kong Examinations and Assessment Authority' },
};

/**
 * First run: create the school, its school key (words shown once; only the public half kept),
 * its role templates and its first system administrator, who signs in at the MFA enrolment step.
 */
export async function completeSetup(
  d: AuthDeps,
  body: z.infer<typeof SetupBody>,
  origin: { ip: string; userAgent: string | null },
): Promise<{ words: string[]; fingerprint: string; sessionToken: string }> {
  const a = body.admin;
  const policy = checkPassword(a.password, [a.username, a.displayNameEn, a.displayNameZh, a.email.split('@')[0]]);
  if (policy) throw new AppError(policy);
  const status = await setupStatus(d.db, d.clock, body.token);
  if (!status.valid) throw new AppError('setup_token_invalid');
  if (!status.authority && !body.school) throw new AppError('validation_failed', { errors: [{ path: 'school', code: 'required' }] });
  const passwordHash = await hashFor(d, a.password);
  const key = newSchoolKey();
  const now = d.clock.now();
  try {
    return await d.db.systemTx(async (q) => {
      const tok = await usableToken(q, d.clock, body.token, true);
      if (!tok) throw new AppError('setup_token_invalid');
      const code = tok.authority_code;
      // An authority is an organisation like a school: its own users, roles, audit chain and key.
      const org = code
        ? { nameZh: AUTHORITY_NAMES[code].nameZh, nameEn: AUTHORITY_NAMES[code].nameEn, schoolNumber: code }
        : (body.school as NonNullable<typeof body.school>);
      const [school] = await q.query<{ id: string }>(
        `INSERT INTO schools (name_zh, name_en, school_number, key_box_public, key_sign_public, key_fingerprint, key_created_at, created_at, kind, authority_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) RETURNING id`,
        [
          org.nameZh,
          org.nameEn,
          org.schoolNumber,
          key.pub.boxPublic,
          key.pub.signPublic,
          key.pub.fingerprint,
          now,
          code ? 'authority' : 'school',
          code,
        ],
      );
      if (!school) throw new Error('school not created');
      await q.query('INSERT INTO audit_heads (chain_id, school_id, seq, hash) VALUES ($1, $1, 0, $2)', [school.id, Buffer.alloc(32)]);
      const roles = await seedRoles(q, d.clock, school.id, code ? AUTHORITY_ROLE_TEMPLATES : ROLE_TEMPLATES);
      const [user] = await q.query<{ id: string }>(
        `INSERT INTO users (school_id, username, display_name_zh, display_name_en, email, password_hash, password_changed_at, locale, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7) RETURNING id`,
        [school.id, a.username, a.displayNameZh ?? null, a.displayNameEn, a.email, passwordHash, now, body.locale],
      );
      if (!user) throw new Error('user not created');
      await q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at) VALUES ($1, $2, $3, $4)', [
        school.id,
        user.id,
        roles.get(code ? 'authority_admin' : 'system_admin'),
        now,
      ]);
      await q.query('UPDATE setup_tokens SET used_at = $2, school_id = $3 WHERE token_hash = $1', [sha256(body.token), now, school.id]);
      const actor = { actorId: user.id, actorName: a.username, ip: origin.ip };
      await audit(q, d.clock, { schoolId: null, ...actor, action: 'setup.completed', target: `school:${school.id}` });
      await audit(q, d.clock, {
        schoolId: school.id,
        ...actor,
        action: 'setup.completed',
        target: `school:${school.id}`,
        details: { schoolNumber: org.schoolNumber, authority: code, keyFingerprint: key.pub.fingerprint, admin: a.username },
      });
      const s = await d.sessions.create(q, {
        schoolId: school.id,
        userId: user.id,
        stage: 'enrol',
        ip: origin.ip,
        userAgent: origin.userAgent,
      });
      return { words: key.words, fingerprint: key.pub.fingerprint, sessionToken: s.token };
    });
  } catch (err) {
    throw uniqueToAppError(err);
  }
}

/** Unique violations on names people choose become clear 409s. */
export function uniqueToAppError(err: unknown): unknown {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return err;
  const where = `${e.constraint ?? ''} ${e.message ?? ''}`;
  if (where.includes('username')) return new AppError('username_taken');
  if (where.includes('school_number')) return new AppError('school_number_taken');
  return new AppError('conflict');
}
