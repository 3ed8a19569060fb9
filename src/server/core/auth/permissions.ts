/**
 * The permission catalogue (DESIGN rule 1). Permissions live in code; roles are data.
 * `security`: holding it makes MFA compulsory (memo S1). `privileged`: counts as
 * system-administrator rights for the memo U1 limit.
 */
export interface PermissionDef {
  key: string;
  module: string;
  security?: boolean;
  privileged?: boolean;
  /** Can be limited to the classes a person teaches or is class teacher of (data scope). */
  scoped?: boolean;
  /** Which organisations may hold it: schools (the default), authorities, or both. */
  org?: 'authority' | 'both';
}

export type Scope = 'school' | 'own_classes';

const defs: PermissionDef[] = [
  { key: 'governance.dashboard.read', module: 'governance' },
  { key: 'audit.read', module: 'security', security: true },
  { key: 'users.read', module: 'access' },
  { key: 'users.manage', module: 'access', security: true, privileged: true },
  { key: 'users.unlock', module: 'access', security: true },
  { key: 'users.reset_password', module: 'access', security: true },
  { key: 'roles.read', module: 'access' },
  { key: 'roles.assign', module: 'access', security: true, privileged: true },
  { key: 'roles.manage', module: 'access', security: true, privileged: true },
  { key: 'access_reviews.manage', module: 'access', security: true },
  { key: 'network.manage', module: 'access', security: true, privileged: true },
  { key: 'sso.manage', module: 'access', security: true, privileged: true },
  { key: 'access_reviews.review', module: 'access', security: true },
  { key: 'sessions.read', module: 'security', security: true },
  { key: 'sessions.revoke', module: 'security', security: true },
  { key: 'notify.outbox.read', module: 'notify', security: true },
  { key: 'notify.list.manage', module: 'notify', security: true },
  { key: 'handover.manage', module: 'access', security: true },
  { key: 'handover.approve', module: 'access', security: true },
  { key: 'school.settings.manage', module: 'school', security: true, privileged: true },
  { key: 'school.setup.manage', module: 'school' },
  { key: 'classes.read', module: 'school' },
  { key: 'staff.read', module: 'school' },
  { key: 'staff.manage', module: 'school' },
  { key: 'students.read', module: 'school', scoped: true },
  { key: 'students.manage', module: 'school', scoped: true },
  { key: 'students.reveal_id', module: 'school', security: true },
  { key: 'exchange.read', module: 'exchange' },
  { key: 'exchange.manage', module: 'exchange' },
  { key: 'exchange.prepare', module: 'exchange' },
  { key: 'exchange.approve', module: 'exchange' },
  { key: 'exchange.unlock', module: 'exchange', security: true },
  { key: 'authority.read', module: 'authority', org: 'authority' },
  { key: 'authority.publish', module: 'authority', org: 'authority' },
  { key: 'authority.unlock', module: 'authority', org: 'authority', security: true },
];
// Account administration is the same for a school and an authority.
for (const d of defs) if (['users', 'roles', 'audit', 'sessions', 'notify'].includes(d.key.split('.')[0] as string) && d.key !== 'notify.list.manage') d.org = 'both';

export type OrgKind = 'school' | 'authority';
export const heldBy = (d: PermissionDef, kind: OrgKind): boolean => (d.org ?? 'school') === kind || d.org === 'both';

export const CATALOGUE: ReadonlyMap<string, PermissionDef> = new Map(defs.map((d) => [d.key, d]));
export const SECURITY_PERMISSIONS = defs.filter((d) => d.security).map((d) => d.key);
export const PRIVILEGED_PERMISSIONS = defs.filter((d) => d.privileged).map((d) => d.key);
export type Permission = string;

export function isKnownPermission(key: string): boolean {
  return CATALOGUE.has(key);
}

/** Role templates for the memo's personnel, seeded into each new school. */
export interface RoleTemplate {
  key: string;
  nameZh: string;
  nameEn: string;
  /** `permission` for the whole school, `permission:own_classes` for the person's own classes. */
  permissions: string[];
}
const all = defs.filter((d) => heldBy(d, 'school')).map((d) => d.key);
export const permissionKey = (templateEntry: string): string => templateEntry.split(':')[0] as string;
export const scopeOf = (templateEntry: string): Scope => (templateEntry.endsWith(':own_classes') ? 'own_classes' : 'school');
export const ROLE_TEMPLATES: RoleTemplate[] = [
  {
    key: 'principal',
    nameZh: '校長',
    nameEn: 'Principal',
    permissions: ['governance.dashboard.read', 'audit.read', 'users.read', 'roles.read', 'sessions.read', 'classes.read', 'staff.read', 'students.read', 'access_reviews.manage', 'access_reviews.review', 'notify.list.manage', 'handover.approve', 'handover.manage', 'exchange.read', 'exchange.manage', 'exchange.approve'],
  },
  {
    key: 'vice_principal',
    nameZh: '副校長',
    nameEn: 'Vice Principal',
    permissions: ['governance.dashboard.read', 'users.read', 'roles.read', 'classes.read', 'staff.read', 'students.read', 'access_reviews.review', 'exchange.read', 'exchange.approve'],
  },
  { key: 'panel_head', nameZh: '主任', nameEn: 'Panel Head / Coordinator', permissions: ['users.read', 'classes.read', 'staff.read', 'students.read'] },
  { key: 'system_admin', nameZh: '系統管理員', nameEn: 'System Administrator', permissions: all },
  {
    key: 'assistant_system_admin',
    nameZh: '助理系統管理員',
    nameEn: 'Assistant System Administrator',
    permissions: ['users.read', 'users.unlock', 'users.reset_password', 'roles.read', 'sessions.read', 'sessions.revoke', 'notify.outbox.read', 'audit.read'],
  },
  {
    key: 'seo',
    nameZh: '學校行政主任',
    nameEn: 'School Executive Officer',
    permissions: ['users.read', 'roles.read', 'governance.dashboard.read', 'classes.read', 'staff.read', 'staff.manage', 'students.read', 'handover.manage', 'exchange.read', 'exchange.manage', 'exchange.prepare', 'exchange.unlock'],
  },
  { key: 'teacher', nameZh: '教師', nameEn: 'Teacher', permissions: ['classes.read', 'staff.read', 'students.read:own_classes'] },
  {
    key: 'office_staff',
    nameZh: '校務處職員',
    nameEn: 'General Office Staff',
    permissions: ['users.read', 'classes.read', 'school.setup.manage', 'staff.read', 'students.read', 'students.manage', 'students.reveal_id', 'exchange.read', 'exchange.prepare'],
  },
  { key: 'technical_support', nameZh: '技術支援人員', nameEn: 'Technical Support', permissions: ['users.read', 'sessions.read', 'users.unlock'] },
];

/** An authority's own roles: its administrator and the officers who publish and follow messages. */
export const AUTHORITY_ROLE_TEMPLATES: RoleTemplate[] = [
  { key: 'authority_admin', nameZh: '系統管理員', nameEn: 'System Administrator', permissions: defs.filter((d) => heldBy(d, 'authority')).map((d) => d.key) },
  { key: 'authority_officer', nameZh: '主任', nameEn: 'Officer', permissions: ['authority.read', 'authority.publish', 'authority.unlock'] },
];

/** Permission check: a Set lookup, so it costs well under a microsecond. */
export function can(held: ReadonlySet<string>, permission: string): boolean {
  return held.has(permission);
}

/** Nobody grants what they do not hold: the permissions of `wanted` the granter lacks. */
export function notHeld(granter: ReadonlySet<string>, wanted: Iterable<string>): string[] {
  return [...wanted].filter((p) => !granter.has(p));
}
