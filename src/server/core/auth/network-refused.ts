import { hkStampEn, hkStampZh } from '../hk-time.js';
import { audit } from '../audit/audit.js';
import { words } from '../notify/catalogue.js';
import { securityEvent } from '../notify/notify.js';
import { AppError } from '../errors.js';
import type { AuthDeps } from './common.js';
import { roleIdsOfUser } from './queries/roles.js';

const reason = (locale: 'en' | 'zh-HK', rule: string) =>
  words(locale, `labels.networkRefusal.${rule}`, {}, words(locale, 'labels.networkRefusal.other'));

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
      // The rule in words (an e-mail has no browser to translate `zone_not_allowed`).
      body: `${who.username} was refused from ${ip} at ${hkStampEn(now)}: ${reason('en', rule)}.\n${who.username} 於 ${hkStampZh(now)} 從 ${ip} 登入被拒絕：${reason('zh-HK', rule)}。`,
      idemKey: `network-refused:${who.userId}:${ip}:${Math.floor(now.getTime() / 600_000)}`,
      fallbackPermission: 'network.manage',
    });
  });
}

/** At sign-in (password or single sign-on), when network rules are in force: refuse a person they do not allow here and now. */
export async function checkNetworkAtSignIn(
  d: Pick<AuthDeps, 'db' | 'clock' | 'smtpConfigured' | 'network'>,
  who: { schoolId: string; userId: string; username: string },
  ip: string,
  now: Date,
): Promise<void> {
  if (!d.network) return;
  const roleIds = await d.db.school(who.schoolId, (q) => roleIdsOfUser(q, who.userId));
  const v = await d.network.check(who.schoolId, roleIds, ip, now);
  if (!v.ok) {
    await networkRefused(d, who, ip, v.rule, 'sign-in');
    throw new AppError('network_refused', { rule: v.rule });
  }
}
