import type { z } from 'zod';
import type { SetupBody, SetupStatus } from '../../../contracts/auth.js';
import { audit } from '../audit/audit.js';
import { insertChainHead } from '../audit/queries.js';
import { type AuthDeps, hashFor, signingIn } from '../auth/common.js';
import { checkPassword } from '../auth/password.js';
import { AUTHORITY_ROLE_TEMPLATES, ROLE_TEMPLATES } from '../auth/permissions.js';
import { seedRoles } from '../auth/roles.js';
import type { Clock } from '../clock.js';
import { type SchoolKeyPublic, newSchoolKey, publicOf, wordsToEntropy } from '../crypto/school-key.js';
import { hmac, randomToken, safeEqual, sha256, subKey } from '../crypto/secrets.js';
import type { Database, Queryable } from '../db/types.js';
import { uniqueViolation } from '../db/unique.js';
import { AppError } from '../errors.js';
import { AUTHORITY_NAMES } from './authorities.js';
import {
  type AuthorityCode,
  countSchools,
  findSetupToken,
  insertFirstUser,
  insertSchool,
  insertSetupToken,
  insertUserRole,
  markSetupTokenUsed,
} from './queries.js';
import { toSetupStatusView } from './views.js';

const DAY = 24 * 3600_000;

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
    await insertSetupToken(q, { tokenHash: sha256(token), createdAt: now, expiresAt, authority });
    await audit(q, clock, {
      schoolId: null,
      action: authority ? 'setup.authority_link_created' : 'setup.link_created',
      details: { expiresAt: expiresAt.toISOString(), authority },
    });
  });
  return { token, expiresAt };
}

export async function schoolCount(db: Database): Promise<number> {
  return db.system((q) => countSchools(q));
}

async function usableToken(q: Queryable, clock: Clock, token: string, lock: boolean) {
  const row = await findSetupToken(q, sha256(token), lock);
  return row && !row.used_at && row.expires_at > clock.now() ? row : undefined;
}

export async function setupStatus(db: Database, clock: Clock, token: string): Promise<z.infer<typeof SetupStatus>> {
  const row = await db.system((q) => findSetupToken(q, sha256(token), false));
  return toSetupStatusView(row, clock);
}

/** The seal on a school key issued for a setup link: binds the key's fingerprint to the link. */
const keyTicket = (serverKey: Buffer, token: string, fingerprint: string): string =>
  hmac(subKey(serverKey, 'check'), `setup-key:v1:${sha256(token).toString('hex')}:${fingerprint}`).toString('base64url');

/**
 * A new school key for a setup link that still works, shown and confirmed before the school is
 * created. The server keeps nothing: the words go to the page, which sends them back with the
 * form; the ticket proves the server made them for this link. A reload before the school exists
 * asks again and gets a fresh key (the first was never used for anything); after it exists, the
 * link is dead and no key is ever shown again (docs/security-model.md, "First run").
 */
export async function issueSetupKey(
  d: Pick<AuthDeps, 'db' | 'clock' | 'serverKey'>,
  token: string,
): Promise<{ words: string[]; fingerprint: string; ticket: string }> {
  const status = await setupStatus(d.db, d.clock, token);
  if (!status.valid) throw new AppError('setup_token_invalid');
  const key = newSchoolKey();
  return { words: key.words, fingerprint: key.pub.fingerprint, ticket: keyTicket(d.serverKey, token, key.pub.fingerprint) };
}

/** The key the person confirmed (checked against its ticket), or a new one when none was sent. */
function keyForSetup(d: AuthDeps, body: z.infer<typeof SetupBody>): { words: string[]; pub: SchoolKeyPublic } {
  if (!body.schoolKey) return newSchoolKey();
  let pub: SchoolKeyPublic;
  try {
    pub = publicOf(wordsToEntropy(body.schoolKey.words));
  } catch {
    throw new AppError('setup_key_invalid');
  }
  const expected = Buffer.from(keyTicket(d.serverKey, body.token, pub.fingerprint));
  if (!safeEqual(expected, Buffer.from(body.schoolKey.ticket))) throw new AppError('setup_key_invalid');
  return { words: body.schoolKey.words.map((w) => w.trim().toLowerCase()), pub };
}

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
  const key = keyForSetup(d, body);
  const passwordHash = await hashFor(d, a.password);
  const now = d.clock.now();
  try {
    return await d.db.systemTx(async (q) => {
      const tok = await usableToken(q, d.clock, body.token, true);
      if (!tok) throw new AppError('setup_token_invalid');
      const code = tok.authority_code;
      // An authority is an organisation like a school: its own users, roles, audit chain and key.
      const org = code ? { nameZh: AUTHORITY_NAMES[code].nameZh, nameEn: AUTHORITY_NAMES[code].nameEn, schoolNumber: code } : body.school;
      if (!org) throw new AppError('validation_failed', { errors: [{ path: 'school', code: 'required' }] });
      const schoolId = await insertSchool(q, {
        nameZh: org.nameZh,
        nameEn: org.nameEn,
        schoolNumber: org.schoolNumber,
        keyBoxPublic: key.pub.boxPublic,
        keySignPublic: key.pub.signPublic,
        keyFingerprint: key.pub.fingerprint,
        createdAt: now,
        kind: code ? 'authority' : 'school',
        authorityCode: code,
      });
      if (!schoolId) throw new Error('school not created');
      await insertChainHead(q, schoolId);
      const roles = await seedRoles(q, d.clock, schoolId, code ? AUTHORITY_ROLE_TEMPLATES : ROLE_TEMPLATES);
      const userId = await insertFirstUser(q, {
        schoolId,
        username: a.username,
        displayNameZh: a.displayNameZh ?? null,
        displayNameEn: a.displayNameEn,
        email: a.email,
        passwordHash,
        at: now,
        locale: body.locale,
      });
      if (!userId) throw new Error('user not created');
      const adminRole = roles.get(code ? 'authority_admin' : 'system_admin');
      if (!adminRole) throw new Error('administrator role not seeded');
      await insertUserRole(q, schoolId, userId, adminRole, now);
      await markSetupTokenUsed(q, sha256(body.token), now, schoolId);
      // The platform's chain and the new school's both record it, as done by the new administrator.
      const by = signingIn(schoolId, { id: userId, username: a.username }, origin.ip);
      await audit(q, d.clock, { ...by, schoolId: null, action: 'setup.completed', target: `school:${schoolId}` });
      await audit(q, d.clock, {
        ...by,
        action: 'setup.completed',
        target: `school:${schoolId}`,
        details: { schoolNumber: org.schoolNumber, authority: code, keyFingerprint: key.pub.fingerprint, admin: a.username },
      });
      const s = await d.sessions.create(q, { schoolId, userId, stage: 'enrol', ip: origin.ip, userAgent: origin.userAgent });
      return { words: key.words, fingerprint: key.pub.fingerprint, sessionToken: s.token };
    });
  } catch (err) {
    // Names people choose: a taken username or school number is a clear 409.
    throw uniqueViolation(err, { users_school_username_key: 'username_taken', schools_school_number_key: 'school_number_taken' });
  }
}
