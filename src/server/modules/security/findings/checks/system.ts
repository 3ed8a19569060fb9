import { verifyAudit } from '../../../../core/audit/audit.js';
import { addMonths } from '../../../../core/checks/evaluators.js';
import { hongKongDate } from '../../../../core/clock.js';
import { KEY_ROTATION_MONTHS, SIGHTING_DAYS, days, missedSecurityRelease } from '../policy.js';
import { findSchoolFacts } from '../queries/checks.js';
import type { FindingCheck } from './types.js';

const recently = (at: Date | null, now: Date) => !!at && now.getTime() - at.getTime() <= days(SIGHTING_DAYS);

/** The installation and the school's own integrity: the audit chain, the school key's age, settings that leave a gap, an old build. */
export const systemChecks: FindingCheck[] = [
  {
    key: 'audit_chain_broken',
    severity: 'high',
    owner: 'security.manage',
    async look({ q }) {
      // On the school's connection only the school's own chain is visible: this walks exactly that chain.
      const r = await verifyAudit(q);
      if (r.ok || !r.broken) return [];
      return [{ subject: '', params: { seq: r.broken.seq, reason: r.broken.reason } }];
    },
  },
  {
    key: 'school_key_age',
    severity: 'medium',
    owner: 'school_key.manage',
    async look({ q, schoolId, now }) {
      // The key in force: `schools.key_created_at` is its creation (setup, or the last rotation, which changes it too).
      const facts = await findSchoolFacts(q, schoolId);
      if (!facts) return [];
      const months = facts.rotation_months ?? KEY_ROTATION_MONTHS;
      const due = addMonths(facts.key_created_at, months);
      return now >= due ? [{ subject: '', params: { since: hongKongDate(facts.key_created_at), months } }] : [];
    },
  },
  {
    key: 'cookie_not_secure',
    severity: 'high',
    owner: 'security.manage',
    async look({ env, now }) {
      const c = env.config;
      const httpsPublic = !!c.PUBLIC_URL?.startsWith('https:');
      const httpsSeen = recently(env.sightings.forwardedHttpsAt, now);
      // `auto` marks cookies Secure only when the request arrived over HTTPS; behind a proxy that ends HTTPS the
      // server sees HTTPS only if it trusts the proxy's headers.
      const insecure =
        (c.COOKIE_SECURE === 'false' && (httpsPublic || httpsSeen)) ||
        (c.COOKIE_SECURE === 'auto' && !c.TRUST_PROXY && (httpsPublic || httpsSeen));
      return insecure ? [{ subject: '', params: { setting: c.COOKIE_SECURE } }] : [];
    },
  },
  {
    key: 'proxy_headers_untrusted',
    severity: 'medium',
    owner: 'security.manage',
    async look({ env, now }) {
      if (env.config.TRUST_PROXY || !recently(env.sightings.forwardedAt, now)) return [];
      return [{ subject: '', params: { seen: env.sightings.forwardedAt ? hongKongDate(env.sightings.forwardedAt) : '' } }];
    },
  },
  {
    key: 'mail_not_configured',
    severity: 'medium',
    owner: 'security.manage',
    async look({ env }) {
      return env.config.SMTP_URL ? [] : [{ subject: '', params: {} }];
    },
  },
  {
    key: 'build_out_of_date',
    severity: 'high',
    owner: 'security.manage',
    async look({ env, now }) {
      if (env.releasesProblem) throw new Error(env.releasesProblem);
      const missed = missedSecurityRelease(env.version, env.releases, now);
      if (!missed) return [];
      return [
        {
          subject: missed.release.version,
          params: { running: env.version, version: missed.release.version, published: missed.release.date },
          severity: missed.severity,
        },
      ];
    },
  },
];
