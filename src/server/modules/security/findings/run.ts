import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { CheckRunView, UNMONITORED } from '../../../../contracts/security-findings.js';
import type { Config } from '../../../config.js';
import { type Actor, type SystemActor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import { type Clock, hongKongDate } from '../../../core/clock.js';
import type { Database } from '../../../core/db/types.js';
import { securityEvent } from '../../../core/notify/notify.js';
import { accountChecks } from './checks/accounts.js';
import { signinChecks } from './checks/signins.js';
import { systemChecks } from './checks/system.js';
import type { FindingCheck, FindingCheckKey, Trip } from './checks/types.js';
import { environment } from './environment.js';
import {
  type NewFinding,
  countOpen,
  fixFindings,
  insertFindings,
  insertRun,
  listStoredFindings,
  reopenExpired,
  touchFindings,
  upsertPosture,
} from './queries/store.js';
import { toRunView } from './views.js';

/** Every security check (memo S2), in the order the page lists them. */
export const FINDING_CHECK_LIST: readonly FindingCheck[] = [...accountChecks, ...signinChecks, ...systemChecks];

export interface RunDeps {
  db: Database;
  clock: Clock;
  config: Config;
  smtpConfigured: boolean;
  log?: (msg: string, err: unknown) => void;
  /** Tests replace the list to show that one failing check leaves the others' findings alone. */
  checks?: readonly FindingCheck[];
}

/** Words for the notification list's e-mail (people on the list may not use the web). */
const MAIL_WORDS: Partial<Record<FindingCheckKey, [string, string]>> = {
  leaver_enabled: ['An account of staff who have left is still enabled', '已離職教職員的帳戶仍然啟用'],
  privileged_without_mfa: ['A security role is held without two-step sign-in', '有人持有保安權限但未設定雙重認證'],
  failed_signin_burst: ['A burst of failed sign-ins', '短時間內大量登入失敗'],
  audit_chain_broken: ['The audit log chain does not verify', '審計記錄鏈未能通過核實'],
  session_over_limit: ['Sessions are kept past their limits', '登入工作階段超出時限仍被保留'],
  cookie_not_secure: ['Sign-in cookies are sent without Secure over HTTPS', '經 HTTPS 使用時登入 cookie 未設 Secure'],
  build_out_of_date: ['A security release has not been installed', '尚未安裝保安更新版本'],
};

/**
 * Run every check for one school and bring its findings up to date in one transaction: new ones
 * open, ones seen again are touched (an acceptance past its date reopens), ones no longer seen are
 * fixed. A check that fails is reported and its findings are left as they were. New high findings
 * go to the security notification list, once each.
 */
export async function runSecurityChecks(
  d: RunDeps,
  schoolId: string,
  trigger: 'daily' | 'manual',
  actor: Actor | SystemActor,
): Promise<z.infer<typeof CheckRunView>> {
  const started = performance.now();
  const now = d.clock.now();
  const env = await environment(d.config);
  const checks = d.checks ?? FINDING_CHECK_LIST;
  const results = new Map<FindingCheck, Trip[]>();
  const failed: FindingCheckKey[] = [];
  for (const c of checks) {
    try {
      results.set(c, await d.db.school(schoolId, (q) => c.look({ q, schoolId, now, env })));
    } catch (err) {
      failed.push(c.key);
      d.log?.(`security check ${c.key} could not run`, err);
    }
  }
  const unmonitored: (typeof UNMONITORED)[number][] = ['backups_not_built'];
  if (!env.releasesSupplied) unmonitored.push('releases_not_supplied');

  return d.db.schoolTx(schoolId, async (q) => {
    const stored = await listStoredFindings(q);
    const byKey = new Map(stored.map((s) => [`${s.check_key}|${s.subject}`, s]));
    const inserts: NewFinding[] = [];
    const touches: Parameters<typeof touchFindings>[1] = [];
    const fixes: string[] = [];
    const alerts: { id: string; checkKey: FindingCheckKey; occurrence: string }[] = [];
    for (const [c, trips] of results) {
      const seen = new Set<string>();
      for (const t of trips) {
        const severity = t.severity ?? c.severity;
        seen.add(t.subject);
        const s = byKey.get(`${c.key}|${t.subject}`);
        if (!s) {
          inserts.push({ checkKey: c.key, subject: t.subject, severity, owner: c.owner, params: t.params });
          continue;
        }
        const reopen = s.status === 'fixed' || (s.status === 'accepted' && !!s.accepted_until && s.accepted_until <= now);
        touches.push({ id: s.id, severity, params: t.params, reopen });
        // Each occurrence is told once: a finding that trips again after it was fixed is a new one.
        const occurrence = s.status === 'fixed' ? `after:${s.fixed_at?.toISOString() ?? ''}` : `high:${s.first_seen_at.toISOString()}`;
        if (severity === 'high' && (s.status === 'fixed' || s.severity !== 'high')) alerts.push({ id: s.id, checkKey: c.key, occurrence });
      }
      for (const s of stored) if (s.check_key === c.key && !seen.has(s.subject) && s.status !== 'fixed') fixes.push(s.id);
    }
    const added = await insertFindings(q, schoolId, inserts, now);
    for (const a of added)
      if (inserts.find((i) => i.checkKey === a.check_key && i.subject === a.subject)?.severity === 'high')
        alerts.push({ id: a.id, checkKey: a.check_key as FindingCheckKey, occurrence: 'new' });
    await touchFindings(q, touches, now);
    await fixFindings(q, fixes, now);
    await reopenExpired(q, now);
    const open = await countOpen(q);
    await upsertPosture(q, schoolId, hongKongDate(now), open);
    const newFindings = added.length + touches.filter((t) => t.reopen).length;
    if (alerts.length) {
      // One message per run for every high finding that is new in it; each occurrence is in exactly one message.
      const counts = new Map<FindingCheckKey, number>();
      for (const a of alerts) counts.set(a.checkKey, (counts.get(a.checkKey) ?? 0) + 1);
      const lines = [...counts].map(([k, n]) => {
        const [en, zh] = MAIL_WORDS[k] ?? ['A high security finding', '一項高風險保安發現'];
        return [`${en} (${n})`, `${zh}（${n}）`] as const;
      });
      const key = createHash('sha256')
        .update(
          alerts
            .map((a) => `${a.id}:${a.occurrence}`)
            .sort()
            .join('|'),
        )
        .digest('hex')
        .slice(0, 32);
      await securityEvent(q, d.clock, d.smtpConfigured, {
        schoolId,
        event: 'security_finding',
        titleKey: 'notifications.securityFinding',
        params: { count: String(alerts.length) },
        subject: `Security findings / 保安發現: ${alerts.length} new high / 新的高風險發現`,
        body: [
          'The security checks found (see the security centre):',
          ...lines.map(([en]) => `- ${en}`),
          '',
          '保安檢查發現（請查看保安中心）：',
          ...lines.map(([, zh]) => `- ${zh}`),
        ].join('\n'),
        idemKey: `findings:${schoolId}:${key}`,
        fallbackPermission: 'security.manage',
      });
    }
    const run = {
      ran_at: now,
      trigger,
      took_ms: Math.round(performance.now() - started),
      failed,
      unmonitored,
      open_high: open.high,
      open_medium: open.medium,
      open_low: open.low,
      new_findings: newFindings,
      fixed_findings: fixes.length,
    };
    await insertRun(q, schoolId, run);
    await audit(q, d.clock, {
      ...who(actor),
      action: 'security.checks_run',
      details: { trigger, open, new: newFindings, fixed: fixes.length, failed },
    });
    return toRunView(run);
  });
}
