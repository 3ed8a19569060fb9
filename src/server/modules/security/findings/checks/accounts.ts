import { PRIVILEGED_PERMISSIONS, SECURITY_PERMISSIONS } from '../../../../core/auth/permissions.js';
import { hongKongDate } from '../../../../core/clock.js';
import { DORMANT_DAYS, SESSIONS_PER_PERSON, days } from '../policy.js';
import {
  countStaleSessions,
  findSchoolFacts,
  listDormant,
  listHoldersOfAny,
  listLeaversEnabled,
  listSessionHeavy,
} from '../queries/checks.js';
import type { FindingCheck, Trip } from './types.js';

/** Sessions are removed by the cleanup job every ten minutes; one still stored an hour past its limit means it is not. */
const STALE_GRACE_MS = 3600_000;

/** Accounts and sessions: dormant, leavers still enabled, too many administrators, security rights without MFA, sessions over their limits. */
export const accountChecks: FindingCheck[] = [
  {
    key: 'dormant_account',
    severity: 'medium',
    owner: 'users.manage',
    async look({ q, now }) {
      const rows = await listDormant(q, new Date(now.getTime() - days(DORMANT_DAYS)));
      return rows.map((r) => ({
        subject: r.id,
        params: { name: r.name, username: r.username, since: r.last_login_at ? hongKongDate(r.last_login_at) : '' },
      }));
    },
  },
  {
    key: 'leaver_enabled',
    severity: 'high',
    owner: 'users.manage',
    async look({ q, now }) {
      const rows = await listLeaversEnabled(q, hongKongDate(now));
      return rows.map((r) => ({ subject: r.id, params: { name: r.name, username: r.username, left: r.leave_date ?? '' } }));
    },
  },
  {
    key: 'too_many_admins',
    severity: 'medium',
    owner: 'roles.assign',
    async look({ q, schoolId }) {
      const holders = await listHoldersOfAny(q, PRIVILEGED_PERMISSIONS);
      const limit = (await findSchoolFacts(q, schoolId))?.privileged_limit ?? 3;
      if (holders.length <= limit) return [];
      return [{ subject: '', params: { count: holders.length, limit, names: holders.map((h) => h.name).join(', ') } }];
    },
  },
  {
    key: 'privileged_without_mfa',
    severity: 'high',
    owner: 'users.manage',
    async look({ q }) {
      const rows = await listHoldersOfAny(q, SECURITY_PERMISSIONS);
      // The sealed break-glass account has no second factor by design (memo S1; the privileged-passwords check watches it).
      return rows
        .filter((r) => !r.enrolled && !r.break_glass)
        .map((r) => ({ subject: r.id, params: { name: r.name, username: r.username } }));
    },
  },
  {
    key: 'session_over_limit',
    severity: 'medium',
    owner: 'sessions.revoke',
    async look({ q, now, env }) {
      const idle = env.config.SESSION_IDLE_MINUTES * 60_000;
      const abs = env.config.SESSION_ABSOLUTE_HOURS * 3600_000;
      const t = now.getTime();
      const heavy = await listSessionHeavy(q, new Date(t - idle), new Date(t - abs), SESSIONS_PER_PERSON);
      const out: Trip[] = heavy.map((r) => ({
        subject: r.id,
        params: { name: r.name, username: r.username, count: r.n, limit: SESSIONS_PER_PERSON },
      }));
      const stale = await countStaleSessions(q, new Date(t - idle - STALE_GRACE_MS), new Date(t - abs - STALE_GRACE_MS));
      if (stale > 0) out.push({ subject: 'stale', params: { kind: 'stale', count: stale }, severity: 'high' });
      return out;
    },
  },
];
