import type { SessionStage } from '../../../contracts/auth.js';
import { audit } from '../audit/audit.js';
import { AppError } from '../errors.js';
import { hkTime } from '../hk-time.js';
import { securityEvent } from '../notify/notify.js';
import { type AuthDeps, type Origin, signingIn } from './common.js';
import { signedInFrom } from './failures.js';
import { breakGlassSealed } from './policy.js';
import { markBreakGlassUsed, type SignInUserRow } from './queries/users.js';

/**
 * The sealed break-glass administrator signs in with the password from its printed sheet (memo S1).
 * It needs no second factor (its purpose is to get in when the named administrators cannot), so its
 * use is loud instead: the security notification list is told at once, the use is audited, and the
 * sheet is spent — the account signs nobody in again until a system administrator prints a new one.
 * Network rules still apply (checked before this step). See docs/security-model.md.
 */
export async function breakGlassSignIn(d: AuthDeps, u: SignInUserRow, origin: Origin): Promise<{ token: string; stage: SessionStage }> {
  const by = signingIn(u.school_id, u, origin.ip);
  const now = d.clock.now();
  const spent = async () => {
    await d.db.schoolTx(u.school_id, (q) =>
      audit(q, d.clock, { ...by, action: 'auth.login_failed', outcome: 'failure', details: { reason: 'break_glass_used' } }),
    );
    return new AppError('break_glass_used');
  };
  if (!breakGlassSealed(u.sealed_at, u.break_glass_used_at)) throw await spent();
  const token = await d.db.schoolTx(u.school_id, async (q) => {
    if (!(await markBreakGlassUsed(q, u.id, now))) return null;
    await signedInFrom(q, u, origin.ip, now);
    const s = await d.sessions.create(q, {
      schoolId: u.school_id,
      userId: u.id,
      stage: 'done',
      ip: origin.ip,
      userAgent: origin.userAgent,
    });
    await audit(q, d.clock, { ...by, action: 'auth.break_glass_used', target: `user:${u.id}`, details: { session: s.id } });
    await audit(q, d.clock, { ...by, action: 'auth.login', target: `session:${s.id}`, details: { next: 'done', breakGlass: true } });
    const t = hkTime(now);
    await securityEvent(q, d.clock, d.smtpConfigured, {
      schoolId: u.school_id,
      event: 'break_glass_used',
      titleKey: 'notifications.breakGlassUsed',
      params: { username: u.username, ip: origin.ip, date: t.date, time: t.time },
      subject: `Break-glass account used / 緊急管理員帳戶已被使用: ${u.username}`,
      body:
        `The sealed break-glass administrator account "${u.username}" signed in from ${origin.ip} on ${t.date} at ${t.time} (Hong Kong time). ` +
        `If this was not planned, act now. Its sheet is spent: print a new one on the privileged accounts page.\n` +
        `密封的緊急管理員帳戶「${u.username}」於 ${t.dateZh} ${t.time}（香港時間）從 ${origin.ip} 登入。如非預期，請立即跟進。` +
        `該密封頁已失效，請在特權帳戶頁列印新的一頁。`,
      idemKey: `break-glass:${u.id}:${now.getTime()}`,
      fallbackPermission: 'users.manage',
    });
    return s.token;
  });
  if (!token) throw await spent();
  return { token, stage: 'done' };
}
