import type { z } from 'zod';
import type {
  AccessRow as AccessRowView,
  HandoverItemView,
  HandoverPlanList,
  HandoverPlanView,
  NetworkView,
  NotificationListView,
  ReviewBatchView,
  ReviewItemView,
  ReviewView,
  RoleDetail,
  RoleView,
  UserView,
} from '../../../contracts/admin.js';
import { displayName } from './common.js';
import type { HandoverItemRow, PlanRow, PlanSummaryRow } from './queries/handover.js';
import type { HolidayRow, NetworkRuleRow, NetworkSettingsRow, TimeProfileRow, ZoneRow } from './queries/network.js';
import type { ListReviewRow, RecipientRow } from './queries/notification-list.js';
import type { BatchRow } from './queries/review-batches.js';
import type { ReviewItemRow, ReviewRow } from './queries/reviews.js';
import type { AccessRow, GrantRow, RoleMemberRow, RoleRow, RoleSummaryRow } from './queries/roles.js';
import type { UserRow } from './queries/users.js';

/** How the access module's rows are shown: one explicit mapper per view, never a raw row. */

// ---- Users and roles ----

export function toUserView(r: UserRow): z.infer<typeof UserView> {
  return {
    id: r.id,
    username: r.username,
    displayNameZh: r.display_name_zh,
    displayNameEn: r.display_name_en,
    email: r.email,
    status: r.status,
    lockedUntil: r.locked_until?.toISOString() ?? null,
    mfaEnrolled: !!r.mfa_enrolled_at,
    mustChangePassword: r.must_change_password,
    lastLoginAt: r.last_login_at?.toISOString() ?? null,
    roleIds: r.role_ids ?? [],
    accountKind: r.account_kind,
    ssoMode: r.sso_mode,
  };
}

export function toRoleView(r: RoleSummaryRow): z.infer<typeof RoleView> {
  return {
    id: r.id,
    key: r.template_key,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    permissions: r.permissions ?? [],
    memberCount: r.members,
  };
}

type RoleMemberView = z.infer<typeof RoleDetail>['members'][number];

export function toRoleMemberView(m: RoleMemberRow): RoleMemberView {
  return {
    userId: m.user_id,
    username: m.username,
    displayName: displayName(m.display_name_en, m.display_name_zh),
    startsOn: m.starts_on,
    endsOn: m.ends_on,
    planned: m.planned,
  };
}

export function toRoleDetail(r: RoleRow, grants: GrantRow[], members: RoleMemberRow[]): z.infer<typeof RoleDetail> {
  return {
    id: r.id,
    key: r.template_key,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    grants: grants.map((g) => ({ key: g.key, scope: g.scope })),
    members: members.map(toRoleMemberView),
  };
}

export function toAccessRowView(r: AccessRow): z.infer<typeof AccessRowView> {
  return {
    userId: r.user_id,
    username: r.username,
    displayName: displayName(r.display_name_en, r.display_name_zh),
    permission: r.permission,
    scope: r.scope,
    roles: r.roles,
  };
}

// ---- Access reviews ----

export function toReviewView(r: ReviewRow): z.infer<typeof ReviewView> {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    dueOn: r.due_on,
    createdAt: r.created_at.toISOString(),
    completedAt: r.completed_at?.toISOString() ?? null,
    recurrenceMonths: r.recurrence_months,
    total: r.total,
    decided: r.decided,
    removals: r.removals,
  };
}

export function toReviewItemView(i: ReviewItemRow): z.infer<typeof ReviewItemView> {
  return {
    id: i.id,
    userId: i.user_id,
    username: i.username,
    displayName: displayName(i.display_name_en, i.display_name_zh),
    roleId: i.role_id,
    roleName: i.role_name,
    reviewerId: i.reviewer_id,
    reviewerName: i.reviewer_name,
    displayNameZh: i.display_name_zh,
    displayNameEn: i.display_name_en,
    roleKey: i.role_key,
    roleNameZh: i.role_name_zh,
    roleNameEn: i.role_name,
    reviewerDisplayZh: i.reviewer_display_zh,
    reviewerDisplayEn: i.reviewer_display_en,
    recommendation: i.recommendation,
    decision: i.decision,
    reason: i.reason,
    decidedAt: i.decided_at?.toISOString() ?? null,
    lastLoginAt: i.last_login_at?.toISOString() ?? null,
    batchId: i.batch_id,
  };
}

export function toReviewBatchView(b: BatchRow): z.infer<typeof ReviewBatchView> {
  const rec = b.selection.recommendation;
  return {
    id: b.id,
    decision: b.decision,
    reason: b.reason,
    selection: {
      ...(rec === 'none' || rec === 'inactive' || rec === 'staff_left' || rec === 'staff_on_leave' ? { recommendation: rec } : {}),
      ...(b.selection.roleId ? { roleId: b.selection.roleId } : {}),
      ...(b.selection.items !== undefined ? { items: b.selection.items } : {}),
    },
    decidedBy: b.decided_by,
    decidedByName: b.decided_by_name,
    decidedAt: b.decided_at.toISOString(),
    items: b.items,
  };
}

// ---- Network zones and time profiles ----

type NetworkViewT = z.infer<typeof NetworkView>;

export function toZoneView(z: ZoneRow): NetworkViewT['zones'][number] {
  return { id: z.id, nameZh: z.name_zh, nameEn: z.name_en, cidrs: z.cidrs };
}

export function toTimeProfileView(p: TimeProfileRow): NetworkViewT['profiles'][number] {
  return {
    id: p.id,
    nameZh: p.name_zh,
    nameEn: p.name_en,
    weekdays: p.weekdays,
    startMinute: p.start_minute,
    endMinute: p.end_minute,
    onHolidays: p.on_holidays,
  };
}

export function toNetworkRuleView(r: NetworkRuleRow): NetworkViewT['rules'][number] {
  return { roleId: r.role_id, zoneId: r.zone_id, timeProfileId: r.time_profile_id };
}

export function toHolidayView(h: HolidayRow): NetworkViewT['holidays'][number] {
  return { day: h.day, nameZh: h.name_zh, nameEn: h.name_en };
}

export function toNetworkView(
  s: NetworkSettingsRow | undefined,
  zones: ZoneRow[],
  profiles: TimeProfileRow[],
  rules: NetworkRuleRow[],
  holidays: HolidayRow[],
): NetworkViewT {
  return {
    enabled: !!s?.network_policy_enabled,
    reviewedAt: s?.network_policy_reviewed_at?.toISOString() ?? null,
    zones: zones.map(toZoneView),
    profiles: profiles.map(toTimeProfileView),
    rules: rules.map(toNetworkRuleView),
    holidays: holidays.map(toHolidayView),
  };
}

// ---- Security notification list ----

type NotificationListViewT = z.infer<typeof NotificationListView>;

export function toRecipientView(r: RecipientRow): NotificationListViewT['entries'][number] {
  return { id: r.id, userId: r.user_id, username: r.username, email: r.email, events: r.events };
}

export function toNotificationListView(entries: RecipientRow[], review: ListReviewRow | undefined): NotificationListViewT {
  return {
    entries: entries.map(toRecipientView),
    reviewedAt: review?.at?.toISOString() ?? null,
    reviewedBy: review?.by ?? null,
  };
}

// ---- Handover ----

type PlanHeader = Omit<z.infer<typeof HandoverPlanView>, 'items'>;

function toPlanHeader(p: PlanRow): PlanHeader {
  return {
    id: p.id,
    userId: p.user_id,
    username: p.username,
    displayName: displayName(p.display_name_en, p.display_name_zh),
    reason: p.reason,
    effectiveOn: p.effective_on,
    disableAccount: p.disable_account,
    status: p.status,
    createdBy: p.created_by_name,
    approvedBy: p.approved_by_name,
  };
}

export function toPlanSummaryView(p: PlanSummaryRow): z.infer<typeof HandoverPlanList>['plans'][number] {
  return { ...toPlanHeader(p), itemCount: p.item_count, assigned: p.assigned };
}

export function toHandoverItemView(i: HandoverItemRow): z.infer<typeof HandoverItemView> {
  return {
    id: i.id,
    kind: i.kind,
    labelEn: i.label_en,
    labelZh: i.label_zh,
    successorId: i.successor_id,
    successorName: i.successor_name,
  };
}

export function toPlanView(p: PlanRow, items: HandoverItemRow[]): z.infer<typeof HandoverPlanView> {
  return { ...toPlanHeader(p), items: items.map(toHandoverItemView) };
}
