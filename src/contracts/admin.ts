import { z } from 'zod';
import { Name, Password, Username } from './auth.js';

export const UserView = z.strictObject({
  id: z.uuid(),
  username: z.string(),
  displayNameZh: z.string().nullable(),
  displayNameEn: z.string(),
  email: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  lockedUntil: z.string().nullable(),
  mfaEnrolled: z.boolean(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  roleIds: z.array(z.uuid()),
  /** personal, shared or the sealed break-glass account (memo S1). */
  accountKind: z.enum(['personal', 'shared', 'break_glass']),
  /** How the person signs in: password only (local), password or single sign-on (allowed), single sign-on only (required). */
  ssoMode: z.enum(['local', 'allowed', 'required']),
});
/** One page of accounts and how many match in all. */
export const UserList = z.strictObject({ users: z.array(UserView), total: z.number().int() });
/** Search (Chinese or English name, user name, e-mail) and filters for the users page; without them, every account. */
export const UserQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  roleId: z.uuid().optional(),
  status: z.enum(['active', 'disabled', 'locked']).optional(),
  mfa: z.enum(['enrolled', 'not_enrolled']).optional(),
  kind: z.enum(['personal', 'shared', 'break_glass']).optional(),
  ssoMode: z.enum(['local', 'allowed', 'required']).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(5000),
  offset: z.coerce.number().int().min(0).max(100000).default(0),
});

export const UserCreateBody = z.strictObject({
  username: Username,
  displayNameZh: Name(100).optional(),
  displayNameEn: Name(100),
  email: z.email().max(254).optional(),
  /** Initial password, set by the administrator; the person must change it at first sign-in. */
  password: Password,
  roleIds: z.array(z.uuid()).max(50).default([]),
});
export const ResetPasswordBody = z.strictObject({ newPassword: Password });
export const UserRolesBody = z.strictObject({ roleIds: z.array(z.uuid()).max(50) });

export const RoleView = z.strictObject({
  id: z.uuid(),
  key: z.string().nullable(),
  nameZh: z.string(),
  nameEn: z.string(),
  permissions: z.array(z.string()),
  memberCount: z.number().int(),
});
export const RoleList = z.strictObject({ roles: z.array(RoleView) });

export const PermissionView = z.strictObject({
  key: z.string(),
  module: z.string(),
  security: z.boolean(),
  privileged: z.boolean(),
});
export const PermissionList = z.strictObject({ permissions: z.array(PermissionView) });

export const SchoolSettings = z.strictObject({ privilegedLimit: z.number().int().min(1).max(20) });

// ---- Role editor ---------------------------------------------------------------------------
export const Grant = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)+$/)
    .max(64),
  scope: z.enum(['school', 'own_classes']).default('school'),
});
export const RoleBody = z.strictObject({
  nameZh: Name(60),
  nameEn: Name(60),
  grants: z.array(Grant).max(100),
});
export const RoleCopyBody = z.strictObject({ nameZh: Name(60), nameEn: Name(60) });
export const RoleDetail = z.strictObject({
  id: z.uuid(),
  key: z.string().nullable(),
  nameZh: z.string(),
  nameEn: z.string(),
  grants: z.array(z.strictObject({ key: z.string(), scope: z.enum(['school', 'own_classes']) })),
  members: z.array(
    z.strictObject({
      userId: z.uuid(),
      username: z.string(),
      displayName: z.string(),
      startsOn: z.string().nullable(),
      endsOn: z.string().nullable(),
      planned: z.boolean(),
    }),
  ),
});
export const MemberBody = z.strictObject({ userId: z.uuid(), startsOn: z.iso.date().optional(), endsOn: z.iso.date().optional() });
export const MemberParams = z.strictObject({ id: z.uuid(), userId: z.uuid() });
/** Who can do what: one row per person and permission, with the roles that give it. */
export const AccessRow = z.strictObject({
  userId: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  permission: z.string(),
  scope: z.enum(['school', 'own_classes']),
  roles: z.array(z.string()),
});
export const AccessMatrix = z.strictObject({ rows: z.array(AccessRow) });
export const AccessQuery = z.strictObject({
  permission: z.string().max(64).optional(),
  userId: z.uuid().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

// ---- Access reviews (memo U1) --------------------------------------------------------------
export const ReviewStartBody = z.strictObject({
  name: Name(100),
  /** Limit to these roles; empty = every role. */
  roleIds: z.array(z.uuid()).max(50).default([]),
  dueOn: z.iso.date(),
  /** Who decides; default the person starting it. Items about the reviewer go to the starter (or, if the same person, to a second reviewer). */
  reviewerId: z.uuid().optional(),
  secondReviewerId: z.uuid().optional(),
  recurrenceMonths: z.number().int().min(1).max(36).default(12),
});
export const ReviewDecisionBody = z.strictObject({ decision: z.enum(['keep', 'remove']), reason: z.string().trim().min(3).max(500) });
export const ReviewItemParams = z.strictObject({ id: z.uuid(), itemId: z.uuid() });
export const ReviewItemView = z.strictObject({
  id: z.uuid(),
  userId: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  roleId: z.uuid(),
  roleName: z.string(),
  reviewerId: z.uuid(),
  reviewerName: z.string(),
  recommendation: z.enum(['inactive', 'staff_left', 'staff_on_leave']).nullable(),
  decision: z.enum(['keep', 'remove']).nullable(),
  reason: z.string().nullable(),
  decidedAt: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  /** The batch that decided it (one item or a bulk decision), which its reviewer may undo until completion. */
  batchId: z.uuid().nullable(),
  /** Names in both languages, for the reader's (the names above are English and user names). */
  displayNameZh: z.string().nullable(),
  displayNameEn: z.string(),
  roleKey: z.string().nullable(),
  roleNameZh: z.string(),
  roleNameEn: z.string(),
  reviewerDisplayZh: z.string().nullable(),
  reviewerDisplayEn: z.string(),
});
export const ReviewView = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(['open', 'completed', 'cancelled']),
  dueOn: z.string(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  recurrenceMonths: z.number().int(),
  total: z.number().int(),
  decided: z.number().int(),
  removals: z.number().int(),
});
export const ReviewList = z.strictObject({ reviews: z.array(ReviewView) });
/** Decisions made together, still in force: who made them, what was chosen, and how many items they decide. */
export const ReviewBatchView = z.strictObject({
  id: z.uuid(),
  decision: z.enum(['keep', 'remove']),
  reason: z.string(),
  selection: z.strictObject({
    recommendation: z.enum(['none', 'inactive', 'staff_left', 'staff_on_leave']).optional(),
    roleId: z.uuid().optional(),
    items: z.number().int().optional(),
  }),
  decidedBy: z.uuid(),
  decidedByName: z.string(),
  decidedAt: z.string(),
  items: z.number().int(),
});
/** What completing the campaign needs, shown before anyone presses the button. */
export const ReviewRequirements = z.strictObject({
  undecided: z.number().int(),
  /** The removals decided so far would leave nobody with every system-administrator right. */
  leavesNoAdministrator: z.boolean(),
});
export const ReviewDetail = z.strictObject({
  ...ReviewView.shape,
  items: z.array(ReviewItemView),
  batches: z.array(ReviewBatchView),
  requirements: ReviewRequirements,
});
/**
 * One request decides many items: the reviewer's own undecided items matching every filter given
 * (no recommendation, one role) or the items named. Items about the reviewer are never taken.
 */
export const ReviewBulkBody = z
  .strictObject({
    decision: z.enum(['keep', 'remove']),
    reason: z.string().trim().min(3).max(500),
    recommendation: z.enum(['none', 'inactive', 'staff_left', 'staff_on_leave']).optional(),
    roleId: z.uuid().optional(),
    itemIds: z.array(z.uuid()).min(1).max(5000).optional(),
  })
  .refine((b) => b.recommendation !== undefined || b.roleId !== undefined || b.itemIds !== undefined, {
    path: ['recommendation'],
    message: 'choose_items',
  });
export const ReviewBulkResult = z.strictObject({ batchId: z.uuid().nullable(), decided: z.number().int() });
export const ReviewBatchParams = z.strictObject({ id: z.uuid(), batchId: z.uuid() });
/** Before a campaign starts: how many items it will have and whether a second reviewer is needed. */
export const ReviewPreviewQuery = z.strictObject({
  /** Comma-separated role ids; empty = every role. */
  roleIds: z
    .string()
    .max(50 * 37)
    .regex(/^([0-9a-f-]{36}(,[0-9a-f-]{36})*)?$/)
    .default(''),
  reviewerId: z.uuid().optional(),
  secondReviewerId: z.uuid().optional(),
});
export const ReviewPreview = z.strictObject({
  items: z.number().int(),
  reviewerHoldsRights: z.boolean(),
  secondReviewerNeeded: z.boolean(),
});

// ---- Network zones and time profiles (memo U2) ------------------------------------------------
export const ZoneBody = z.strictObject({ nameZh: Name(60), nameEn: Name(60), cidrs: z.array(z.string().trim().max(50)).min(1).max(100) });
export const TimeProfileBody = z.strictObject({
  nameZh: Name(60),
  nameEn: Name(60),
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  startMinute: z.number().int().min(0).max(1439),
  endMinute: z.number().int().min(1).max(1440),
  /** On school holidays: the same hours as any other day, or no access at all. */
  onHolidays: z.enum(['as_usual', 'closed']).default('as_usual'),
});
export const HolidaysBody = z.strictObject({
  holidays: z.array(z.strictObject({ day: z.iso.date(), nameZh: Name(60), nameEn: Name(60) })).max(400),
});
export const NetworkRule = z.strictObject({ roleId: z.uuid(), zoneId: z.uuid().nullable(), timeProfileId: z.uuid().nullable() });
export const NetworkRulesBody = z.strictObject({ rules: z.array(NetworkRule).max(500) });
export const NetworkSettingsBody = z.strictObject({ enabled: z.boolean() });
export const NetworkView = z.strictObject({
  enabled: z.boolean(),
  reviewedAt: z.string().nullable(),
  zones: z.array(z.strictObject({ id: z.uuid(), nameZh: z.string(), nameEn: z.string(), cidrs: z.array(z.string()) })),
  profiles: z.array(
    z.strictObject({
      id: z.uuid(),
      nameZh: z.string(),
      nameEn: z.string(),
      weekdays: z.array(z.number().int()),
      startMinute: z.number().int(),
      endMinute: z.number().int(),
      onHolidays: z.enum(['as_usual', 'closed']),
    }),
  ),
  rules: z.array(NetworkRule),
  holidays: z.array(z.strictObject({ day: z.string(), nameZh: z.string(), nameEn: z.string() })),
});

// ---- Security notification list (memo U1) --------------------------------------------------
export const SecurityEvent = z.enum([
  'account_locked',
  'network_refused',
  'privileged_changed',
  'backup_downloaded',
  'school_key_changed',
  'school_key_locked',
  'check_failing',
  'security_finding',
  'break_glass_used',
  'audit_checkpoint',
]);
export const NotificationListEntry = z
  .strictObject({
    userId: z.uuid().optional(),
    email: z.email().max(254).optional(),
    events: z.array(SecurityEvent).min(1).max(SecurityEvent.options.length),
  })
  .refine((e) => !!e.userId !== !!e.email, { message: 'exactly one of userId and email' });
export const NotificationListBody = z.strictObject({ entries: z.array(NotificationListEntry).max(100) });
export const NotificationListView = z.strictObject({
  entries: z.array(
    z.strictObject({
      id: z.uuid(),
      userId: z.uuid().nullable(),
      username: z.string().nullable(),
      email: z.string().nullable(),
      events: z.array(SecurityEvent),
    }),
  ),
  reviewedAt: z.string().nullable(),
  reviewedBy: z.string().nullable(),
});

// ---- Handover (memo U3) ---------------------------------------------------------------------
export const HandoverCreateBody = z.strictObject({
  userId: z.uuid(),
  reason: z.enum(['leaving', 'duty_change']),
  effectiveOn: z.iso.date(),
  /** For someone leaving: disable the account and end their sessions on the day (default yes when leaving). */
  disableAccount: z.boolean().optional(),
});
export const HandoverItemParams = z.strictObject({ id: z.uuid(), itemId: z.uuid() });
export const SuccessorBody = z.strictObject({ successorId: z.uuid() });
export const HandoverItemView = z.strictObject({
  id: z.uuid(),
  kind: z.string(),
  labelEn: z.string(),
  labelZh: z.string(),
  successorId: z.uuid().nullable(),
  successorName: z.string().nullable(),
});
export const HandoverPlanView = z.strictObject({
  id: z.uuid(),
  userId: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  reason: z.enum(['leaving', 'duty_change']),
  effectiveOn: z.string(),
  disableAccount: z.boolean(),
  status: z.enum(['draft', 'approved', 'applied', 'cancelled']),
  createdBy: z.string(),
  approvedBy: z.string().nullable(),
  items: z.array(HandoverItemView),
});
export const HandoverPlanList = z.strictObject({
  plans: z.array(HandoverPlanView.omit({ items: true }).extend({ itemCount: z.number().int(), assigned: z.number().int() })),
});

// ---- Single sign-on (memo U2) ------------------------------------------------------------------
/** One value of the ID token's `amr` or `acr` claim (a short word such as `otp`, or a URI). */
const SsoClaimValue = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/);
/**
 * Whether the school accepts the provider's word that a person passed a second factor there: the ID
 * token's `amr` contains one of `amr`, or its `acr` equals one of `acr`. On needs at least one value.
 */
export const SsoProviderMfa = z
  .strictObject({
    enabled: z.boolean(),
    amr: z.array(SsoClaimValue).max(20),
    acr: z.array(SsoClaimValue).max(20),
  })
  .refine((m) => !m.enabled || m.amr.length + m.acr.length > 0, { path: ['amr'], message: 'required' });
export const SsoConfigBody = z.strictObject({
  enabled: z.boolean(),
  issuer: z.url().max(300),
  clientId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/),
  /** Leave out to keep the stored secret. */
  clientSecret: z.string().min(1).max(500).optional(),
  /** Link accounts automatically when the provider says the e-mail is verified. */
  emailLink: z.boolean(),
  /** Leave out to keep the stored setting. */
  providerMfa: SsoProviderMfa.optional(),
});
export const SsoConfigView = z.strictObject({
  enabled: z.boolean(),
  issuer: z.string().nullable(),
  clientId: z.string().nullable(),
  hasSecret: z.boolean(),
  emailLink: z.boolean(),
  providerMfa: z.strictObject({ enabled: z.boolean(), amr: z.array(z.string()), acr: z.array(z.string()) }),
  reviewedAt: z.string().nullable(),
  redirectUri: z.string(),
});
export const SsoModeBody = z.strictObject({ mode: z.enum(['local', 'allowed', 'required']) });
