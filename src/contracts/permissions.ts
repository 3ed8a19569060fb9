/**
 * Every permission key there is (DESIGN rule 1: the catalogue lives in code, roles are data).
 * The server's catalogue (`core/auth/permissions.ts`) describes each one; routes, role templates
 * and the web name them by this type, so a typo fails the type check instead of start-up.
 */
export const PERMISSION_KEYS = [
  'governance.dashboard.read',
  'audit.read',
  'users.read',
  'users.manage',
  'users.unlock',
  'users.reset_password',
  'roles.read',
  'roles.assign',
  'roles.manage',
  'access_reviews.manage',
  'network.manage',
  'sso.manage',
  'access_reviews.review',
  'sessions.read',
  'sessions.revoke',
  'notify.outbox.read',
  'notify.list.manage',
  'handover.manage',
  'handover.approve',
  'school.settings.manage',
  'school.setup.manage',
  'classes.read',
  'staff.read',
  'staff.manage',
  'students.read',
  'students.manage',
  'students.reveal_id',
  'students.contacts.read',
  'exchange.read',
  'exchange.manage',
  'exchange.prepare',
  'exchange.approve',
  'exchange.unlock',
  'authority.read',
  'authority.publish',
  'authority.unlock',
  'security.read',
  'security.manage',
  'school_key.manage',
  'planning.read',
  'planning.manage',
  'planning.migrate',
] as const;

export type PermissionKey = (typeof PERMISSION_KEYS)[number];
/** A role template's entry: the permission for the whole school, or `:own_classes` for the person's own classes. */
export type PermissionGrant = PermissionKey | `${PermissionKey}:own_classes`;

const KNOWN: ReadonlySet<string> = new Set(PERMISSION_KEYS);
/** Whether a key that arrived as text (from the server's catalogue) is one of ours. */
export const isPermissionKey = (key: string): key is PermissionKey => KNOWN.has(key);
