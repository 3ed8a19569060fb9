import { randomBytes } from 'node:crypto';
import { type Actor, who } from '../../../core/auth/actor.js';
import { type AuthDeps, hashFor } from '../../../core/auth/service.js';
import { audit } from '../../../core/audit/audit.js';
import type { Queryable } from '../../../core/db/types.js';
import { uniqueViolation } from '../../../core/db/unique.js';
import { AppError } from '../../../core/errors.js';
import { securityEvent } from '../../../core/notify/notify.js';
import { assertMayGrant } from '../../access/service.js';
import { DEFAULT_ROTATION_DAYS, breakGlassState, passwordDue, sheetPassword } from './policy.js';
import {
  deleteSessionsOf,
  findSchoolForSheet,
  findSystemAdminRole,
  insertBreakGlass,
  insertRoleGrant,
  lockBreakGlass,
  resealBreakGlass,
} from './queries.js';
import { breakGlassSheet } from './sheet.js';

export type BreakGlassDeps = Pick<AuthDeps, 'db' | 'clock' | 'sessions' | 'config' | 'smtpConfigured'>;

/** A fresh sheet password, made by the server and never stored plain. */
function newSheetPassword(): string {
  for (;;) {
    const p = sheetPassword(randomBytes(48));
    if (p) return p;
  }
}

/** Only someone holding every right of the System Administrator role may make or reseal the account that holds it. */
async function adminRole(q: Queryable, a: Actor): Promise<string> {
  const role = await findSystemAdminRole(q);
  if (!role) throw new AppError('not_found');
  assertMayGrant(a, role.rights);
  return role.id;
}

async function sheetFor(d: BreakGlassDeps, q: Queryable, a: Actor, username: string, password: string, at: Date): Promise<Buffer> {
  const school = await findSchoolForSheet(q, a.schoolId);
  if (!school) throw new AppError('not_found');
  return breakGlassSheet({
    school: { nameZh: school.name_zh, nameEn: school.name_en, number: school.school_number },
    username,
    password,
    sealedAt: at,
    sealedBy: a.displayNameEn ? `${a.displayNameEn} (${a.username})` : a.username,
    due: passwordDue('break_glass', at, school.password_rotation_days ?? DEFAULT_ROTATION_DAYS) ?? at,
  });
}

/**
 * Create the school's one break-glass administrator (memo S1), sealed: the server makes its password,
 * keeps only the argon2 hash, and returns the printed sheet — the only place the password exists.
 * The account holds the System Administrator role; the privileged-rights list is told.
 */
export async function createBreakGlass(d: BreakGlassDeps, a: Actor, username: string): Promise<Buffer> {
  const password = newSheetPassword();
  const hash = await hashFor(d, password);
  const now = d.clock.now();
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const roleId = await adminRole(q, a);
      if (await lockBreakGlass(q)) throw new AppError('break_glass_exists');
      const id = await insertBreakGlass(q, {
        schoolId: a.schoolId,
        username,
        displayNameEn: 'Break-glass administrator',
        displayNameZh: '緊急管理員',
        passwordHash: hash,
        at: now,
      });
      if (!id) throw new Error('break-glass account not created');
      await insertRoleGrant(q, { schoolId: a.schoolId, userId: id, roleId, at: now, by: a.userId });
      await audit(q, d.clock, {
        ...who(a),
        action: 'users.created',
        target: `user:${id}`,
        details: { username, roles: [roleId], kind: 'break_glass' },
      });
      await audit(q, d.clock, {
        ...who(a),
        action: 'privileged.break_glass_sealed',
        target: `user:${id}`,
        details: { username, created: true },
      });
      await securityEvent(q, d.clock, d.smtpConfigured, {
        schoolId: a.schoolId,
        event: 'privileged_changed',
        titleKey: 'notifications.privilegedGranted',
        params: { username },
        subject: `System-administrator rights granted / 系統管理權限變更: ${username}`,
        body: `${a.username} created the sealed break-glass administrator account ${username}.\n${a.username} 建立了密封的緊急管理員帳戶 ${username}。`,
        idemKey: `privileged:granted:${username}:${now.toISOString()}`,
        fallbackPermission: 'roles.assign',
      });
      return sheetFor(d, q, a, username, password, now);
    });
  } catch (err) {
    throw uniqueViolation(err, { users_school_username_key: 'username_taken', users_one_break_glass: 'break_glass_exists' });
  }
}

/**
 * Print a new sheet: a new password (the old sheet is void at once, used or not), every session of the
 * account ends, and the account is sealed again. This is how a used sheet is replaced, and how its
 * password is rotated.
 */
export async function resealBreakGlassAccount(d: BreakGlassDeps, a: Actor): Promise<Buffer> {
  const password = newSheetPassword();
  const hash = await hashFor(d, password);
  const now = d.clock.now();
  const { pdf, ended } = await d.db.schoolTx(a.schoolId, async (q) => {
    await adminRole(q, a);
    const u = await lockBreakGlass(q);
    if (!u) throw new AppError('not_found');
    // Not by the break-glass account itself: signed in once with the sheet, it could print itself a
    // fresh one, void the sheet in the safe and keep the only password that works.
    if (u.id === a.userId) throw new AppError('forbidden');
    await resealBreakGlass(q, u.id, hash, now);
    const ended = await deleteSessionsOf(q, u.id);
    await audit(q, d.clock, {
      ...who(a),
      action: 'privileged.break_glass_sealed',
      target: `user:${u.id}`,
      details: { username: u.username, created: false, wasUsed: breakGlassState(u) === 'used', sessionsEnded: ended.length },
    });
    return { pdf: await sheetFor(d, q, a, u.username, password, now), ended };
  });
  await d.sessions.forget(ended);
  return pdf;
}
