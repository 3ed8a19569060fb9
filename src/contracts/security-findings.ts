import { z } from 'zod';
import { Name } from './auth.js';
import { PERMISSION_KEYS } from './permissions.js';

/** Memo S2: the security checks, their findings, the posture over time and the system administrator's routine. */

/** What each security check looks for; the web words each as `securityCentre.checks.<key>`. */
export const FINDING_CHECKS = [
  'dormant_account',
  'leaver_enabled',
  'too_many_admins',
  'privileged_without_mfa',
  'failed_signin_burst',
  'new_signin_zone',
  'audit_chain_broken',
  'school_key_age',
  'session_over_limit',
  'cookie_not_secure',
  'proxy_headers_untrusted',
  'mail_not_configured',
  'build_out_of_date',
] as const;
export const FindingCheck = z.enum(FINDING_CHECKS);
/** Checks that exist on the page but cannot look yet, with the reason (`backups_not_built`, `releases_not_supplied`). */
export const UNMONITORED = ['backups_not_built', 'releases_not_supplied'] as const;

export const Severity = z.enum(['high', 'medium', 'low']);
export const FindingStatus = z.enum(['open', 'accepted', 'fixed']);

export const FindingView = z.strictObject({
  id: z.uuid(),
  check: FindingCheck,
  severity: Severity,
  /** What it is about, in words the web fills in (`securityCentre.findings.<check>` with these parameters). */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  status: FindingStatus,
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  fixedAt: z.string().nullable(),
  accepted: z.strictObject({ reason: z.string(), until: z.string(), by: z.string().nullable(), at: z.string() }).nullable(),
  reviewedAt: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  /** Who must act: people holding the permission, by name (the web shows the names, never the key). */
  owner: z.strictObject({ permission: z.enum(PERMISSION_KEYS), people: z.array(z.string()) }),
});

export const FindingQuery = z.strictObject({
  status: FindingStatus.optional(),
  severity: Severity.optional(),
});

export const CheckRunView = z.strictObject({
  at: z.string(),
  trigger: z.enum(['daily', 'manual']),
  tookMs: z.number().int(),
  /** Checks that could not look this time (their findings are left as they were). */
  failed: z.array(FindingCheck),
  unmonitored: z.array(z.enum(UNMONITORED)),
  open: z.strictObject({ high: z.number().int(), medium: z.number().int(), low: z.number().int() }),
  newFindings: z.number().int(),
  fixedFindings: z.number().int(),
});

export const FindingList = z.strictObject({
  findings: z.array(FindingView),
  lastRun: CheckRunView.nullable(),
});

export const AcceptFindingBody = z.strictObject({
  reason: z.string().trim().min(3).max(500),
  /** The last day the acceptance holds (Hong Kong date); the finding reopens after it. */
  until: z.iso.date(),
});
export const ReviewFindingBody = z.strictObject({ note: z.string().trim().max(500).optional() });

export const PostureQuery = z.strictObject({ days: z.coerce.number().int().min(7).max(366).default(90) });
export const PostureView = z.strictObject({
  days: z.array(z.strictObject({ day: z.string(), high: z.number().int(), medium: z.number().int(), low: z.number().int() })),
});

// ---- The system administrator's routine ------------------------------------------------------
export const Frequency = z.enum(['daily', 'weekly', 'monthly', 'yearly']);
export const RoutineTaskView = z.strictObject({
  id: z.uuid(),
  /** A default task's key (its words are the web's); null for a task the school wrote. */
  key: z.string().nullable(),
  titleZh: z.string(),
  titleEn: z.string(),
  frequency: Frequency,
  active: z.boolean(),
  version: z.number().int(),
  lastDoneAt: z.string().nullable(),
  lastDoneBy: z.string().nullable(),
  lastNote: z.string().nullable(),
  dueAt: z.string(),
  state: z.enum(['done', 'due', 'late']),
});
export const RoutineView = z.strictObject({
  tasks: z.array(RoutineTaskView),
  recent: z.array(z.strictObject({ taskId: z.uuid(), doneAt: z.string(), doneBy: z.string().nullable(), note: z.string().nullable() })),
});
export const CompleteTaskBody = z.strictObject({ note: z.string().trim().max(500).optional() });
export const RoutineTaskBody = z.strictObject({
  titleZh: Name(200),
  titleEn: Name(200),
  frequency: Frequency,
});
export const RoutineTaskUpdateBody = RoutineTaskBody.extend({ active: z.boolean(), version: z.number().int().min(1) });
