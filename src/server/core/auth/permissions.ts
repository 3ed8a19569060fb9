/**
 * The permission catalogue (DESIGN rule 1). Permissions live in code; roles are data.
 * `security`: holding it makes MFA compulsory (memo S1). `privileged`: counts as
 * system-administrator rights for the memo U1 limit.
 */
import { PERMISSION_KEYS, type PermissionGrant, type PermissionKey } from '../../../contracts/permissions.js';

export type { PermissionKey } from '../../../contracts/permissions.js';

export interface PermissionDef {
  key: PermissionKey;
  module: string;
  security?: boolean;
  privileged?: boolean;
  /** Can be limited to the classes a person teaches or is class teacher of (data scope). */
  scoped?: boolean;
  /** Which organisations may hold it: schools (the default), authorities, or both. */
  org?: 'authority' | 'both';
}

export type Scope = 'school' | 'own_classes';

const described: Record<PermissionKey, Omit<PermissionDef, 'key'>> = {
  'governance.dashboard.read': { module: 'governance' },
  'audit.read': { module: 'security', security: true },
  'users.read': { module: 'access' },
  'users.manage': { module: 'access', security: true, privileged: true },
  'users.unlock': { module: 'access', security: true },
  'users.reset_password': { module: 'access', security: true },
  'roles.read': { module: 'access' },
  'roles.assign': { module: 'access', security: true, privileged: true },
  'roles.manage': { module: 'access', security: true, privileged: true },
  'access_reviews.manage': { module: 'access', security: true },
  'network.manage': { module: 'access', security: true, privileged: true },
  'sso.manage': { module: 'access', security: true, privileged: true },
  'access_reviews.review': { module: 'access', security: true },
  'sessions.read': { module: 'security', security: true },
  'sessions.revoke': { module: 'security', security: true },
  'notify.outbox.read': { module: 'notify', security: true },
  'notify.list.manage': { module: 'notify', security: true },
  'handover.manage': { module: 'access', security: true },
  'handover.approve': { module: 'access', security: true },
  'school.settings.manage': { module: 'school', security: true, privileged: true },
  'school.setup.manage': { module: 'school' },
  'classes.read': { module: 'school' },
  'staff.read': { module: 'school' },
  'staff.manage': { module: 'school' },
  'students.read': { module: 'school', scoped: true },
  'students.manage': { module: 'school', scoped: true },
  'students.reveal_id': { module: 'school', security: true },
  'students.contacts.read': { module: 'school', scoped: true },
  'exchange.read': { module: 'exchange' },
  'exchange.manage': { module: 'exchange' },
  'exchange.prepare': { module: 'exchange' },
  'exchange.approve': { module: 'exchange' },
  'exchange.unlock': { module: 'exchange', security: true },
  'authority.read': { module: 'authority', org: 'authority' },
  'authority.publish': { module: 'authority', org: 'authority' },
  'authority.unlock': { module: 'authority', org: 'authority', security: true },
  'security.read': { module: 'security', security: true },
  'security.manage': { module: 'security', security: true },
  'school_key.manage': { module: 'security', security: true, privileged: true },
  'planning.read': { module: 'planning' },
  'planning.manage': { module: 'planning' },
  // Migrating makes the new year current and the old one read-only for everyone: a school-wide act.
  'planning.migrate': { module: 'planning', privileged: true },
};
const defs: PermissionDef[] = PERMISSION_KEYS.map((key) => ({ key, ...described[key] }));
// Account administration is the same for a school and an authority.
for (const d of defs)
  if (['users', 'roles', 'audit', 'sessions', 'notify'].includes(d.key.split('.')[0] as string) && d.key !== 'notify.list.manage')
    d.org = 'both';

export type OrgKind = 'school' | 'authority';
export const heldBy = (d: PermissionDef, kind: OrgKind): boolean => (d.org ?? 'school') === kind || d.org === 'both';

export const CATALOGUE: ReadonlyMap<string, PermissionDef> = new Map(defs.map((d) => [d.key, d]));
export const SECURITY_PERMISSIONS: PermissionKey[] = defs.filter((d) => d.security).map((d) => d.key);
export const PRIVILEGED_PERMISSIONS: PermissionKey[] = defs.filter((d) => d.privileged).map((d) => d.key);
/** Holding it makes MFA compulsory (memo S1). */
export const isSecurityPermission = (key: string): boolean => CATALOGUE.get(key)?.security === true;
/** It counts as system-administrator rights (memo U1). */
export const isPrivilegedPermission = (key: string): boolean => CATALOGUE.get(key)?.privileged === true;
export function isKnownPermission(key: string): key is PermissionKey {
  return CATALOGUE.has(key);
}

/** Role templates for the memo's personnel, seeded into each new school. */
export interface RoleTemplate {
  key: string;
  nameZh: string;
  nameEn: string;
  /** `permission` for the whole school, `permission:own_classes` for the person's own classes. */
  permissions: PermissionGrant[];
}
const all = defs.filter((d) => heldBy(d, 'school')).map((d) => d.key);
export const permissionKey = (templateEntry: string): string => templateEntry.split(':')[0] as string;
export const scopeOf = (templateEntry: string): Scope => (templateEntry.endsWith(':own_classes') ? 'own_classes' : 'school');
export const ROLE_TEMPLATES: RoleTemplate[] = [
  {
    key: 'principal',
    nameZh: '校長',
    nameEn: 'Principal',
    permissions: [
      'governance.dashboard.read',
      'audit.read',
      'users.read',
      'roles.read',
      'sessions.read',
      'classes.read',
      'staff.read',
      'students.read',
      'students.contacts.read',
      'access_reviews.manage',
      'access_reviews.review',
      'notify.list.manage',
      'handover.approve',
      'handover.manage',
      'exchange.read',
      'exchange.manage',
      'exchange.approve',
      'security.read',
      'planning.read',
    ],
  },
  {
    key: 'vice_principal',
    nameZh: '副校長',
    nameEn: 'Vice Principal',
    permissions: [
      'governance.dashboard.read',
      'users.read',
      'roles.read',
      'classes.read',
      'staff.read',
      'students.read',
      'students.contacts.read',
      'access_reviews.review',
      'exchange.read',
      'exchange.approve',
      'planning.read',
      'planning.manage',
    ],
  },
  {
    key: 'panel_head',
    nameZh: '主任',
    nameEn: 'Panel Head / Coordinator',
    permissions: ['users.read', 'classes.read', 'staff.read', 'students.read', 'planning.read'],
  },
  { key: 'system_admin', nameZh: '系統管理員', nameEn: 'System Administrator', permissions: all },
  {
    key: 'assistant_system_admin',
    nameZh: '助理系統管理員',
    nameEn: 'Assistant System Administrator',
    permissions: [
      'users.read',
      'users.unlock',
      'users.reset_password',
      'roles.read',
      'sessions.read',
      'sessions.revoke',
      'notify.outbox.read',
      'audit.read',
      'security.read',
      'security.manage',
    ],
  },
  {
    key: 'seo',
    nameZh: '學校行政主任',
    nameEn: 'School Executive Officer',
    permissions: [
      'users.read',
      'roles.read',
      'governance.dashboard.read',
      'classes.read',
      'staff.read',
      'staff.manage',
      'students.read',
      'handover.manage',
      'exchange.read',
      'exchange.manage',
      'exchange.prepare',
      'exchange.unlock',
      'planning.read',
      'planning.manage',
    ],
  },
  {
    key: 'teacher',
    nameZh: '教師',
    nameEn: 'Teacher',
    permissions: ['classes.read', 'staff.read', 'students.read:own_classes', 'students.contacts.read:own_classes'],
  },
  {
    key: 'office_staff',
    nameZh: '校務處職員',
    nameEn: 'General Office Staff',
    permissions: [
      'users.read',
      'classes.read',
      'school.setup.manage',
      'staff.read',
      'students.read',
      'students.manage',
      'students.reveal_id',
      'students.contacts.read',
      'exchange.read',
      'exchange.prepare',
      'planning.read',
    ],
  },
  {
    key: 'technical_support',
    nameZh: '技術支援人員',
    nameEn: 'Technical Support',
    permissions: ['users.read', 'sessions.read', 'users.unlock'],
  },
];

/** An authority's own roles: its administrator and the officers who publish and follow messages. */
export const AUTHORITY_ROLE_TEMPLATES: RoleTemplate[] = [
  {
    key: 'authority_admin',
    nameZh: '系統管理員',
    nameEn: 'System Administrator',
    permissions: defs.filter((d) => heldBy(d, 'authority')).map((d) => d.key),
  },
  { key: 'authority_officer', nameZh: '主任', nameEn: 'Officer', permissions: ['authority.read', 'authority.publish', 'authority.unlock'] },
];
