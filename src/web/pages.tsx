import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import type { PermissionKey } from '../contracts/permissions.js';
import { IMPORT_EXPORT_PERMISSIONS } from './modules/school/importColumns.js';

/**
 * Every page of the signed-in application, in one table: routes.tsx builds the routes from it and the
 * generated accessibility test (test/e2e/axe-all.test.ts) opens every page in it for every built-in
 * role that may open it. Each page is its own script, fetched when first opened, so the sign-in page
 * and the dashboard stay light (the build fails above 200 KB gzip of script for either: vite.config.ts).
 * A new page: add a line here with `lazyPage` (never a static import of a page in routes.tsx).
 */
export type LazyPage = LazyExoticComponent<ComponentType> & {
  /** Starts fetching the page's script (main.tsx does so for the first page, beside the language file). */
  preload(): Promise<unknown>;
};

export interface PageRoute {
  path: string;
  /** Shown only to a person with one of these rights (the server refuses the data anyway). */
  permission?: PermissionKey | readonly PermissionKey[];
  Page: LazyPage;
}

/** A page's script, loaded on first use; `pick` names the page among the module's exports. */
export function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => ComponentType): LazyPage {
  let loading: Promise<{ default: ComponentType }> | undefined;
  const preload = () => (loading ??= load().then((m) => ({ default: pick(m) })));
  return Object.assign(lazy(preload), { preload });
}

export const HOME_PAGE = lazyPage(
  () => import('./modules/governance/DashboardPage.js'),
  (m) => m.HomePage,
);

/** The signed-in shell (navigation, notifications, menus): not part of the sign-in page's first load. */
export const APP_LAYOUT = lazyPage(
  () => import('./components/Layout.js'),
  (m) => m.AppLayout,
);

/** The pages before the system opens (sign-in, setup, enrolment), each its own script too. */
export const PUBLIC_PAGES = {
  login: lazyPage(
    () => import('./modules/access/LoginPage.js'),
    (m) => m.LoginPage,
  ),
  mfa: lazyPage(
    () => import('./modules/access/LoginPage.js'),
    (m) => m.MfaPage,
  ),
  setup: lazyPage(
    () => import('./modules/access/SetupPage.js'),
    (m) => m.SetupPage,
  ),
  enrolMfa: lazyPage(
    () => import('./modules/access/EnrolMfaPage.js'),
    (m) => m.EnrolMfaPage,
  ),
  changePassword: lazyPage(
    () => import('./modules/access/EnrolMfaPage.js'),
    (m) => m.ChangePasswordPage,
  ),
};

export const APP_PAGES: readonly PageRoute[] = [
  {
    path: '/account',
    Page: lazyPage(
      () => import('./modules/access/AccountPage.js'),
      (m) => m.AccountPage,
    ),
  },
  {
    // A dashboard item, read-only: where a check's link leads someone who may not open its fixing page.
    path: '/governance/items/:key',
    permission: 'governance.dashboard.read',
    Page: lazyPage(
      () => import('./modules/governance/ItemPage.js'),
      (m) => m.ItemPage,
    ),
  },
  {
    path: '/audit',
    permission: 'audit.read',
    Page: lazyPage(
      () => import('./modules/security/AuditPage.js'),
      (m) => m.AuditPage,
    ),
  },
  {
    path: '/security/accounts',
    permission: 'security.read',
    Page: lazyPage(
      () => import('./modules/security/PrivilegedAccountsPage.js'),
      (m) => m.PrivilegedAccountsPage,
    ),
  },
  {
    path: '/security/key',
    permission: 'security.read',
    Page: lazyPage(
      () => import('./modules/security/SchoolKeyPage.js'),
      (m) => m.SchoolKeyPage,
    ),
  },
  {
    path: '/admin/users',
    permission: 'users.read',
    Page: lazyPage(
      () => import('./modules/access/UsersPage.js'),
      (m) => m.UsersPage,
    ),
  },
  {
    path: '/admin/roles',
    permission: 'roles.read',
    Page: lazyPage(
      () => import('./modules/access/RolesPage.js'),
      (m) => m.RolesPage,
    ),
  },
  {
    path: '/admin/roles/:id',
    permission: 'roles.read',
    Page: lazyPage(
      () => import('./modules/access/RoleEditorPage.js'),
      (m) => m.RoleEditorPage,
    ),
  },
  {
    path: '/admin/access',
    permission: 'roles.read',
    Page: lazyPage(
      () => import('./modules/access/AccessPage.js'),
      (m) => m.AccessPage,
    ),
  },
  {
    path: '/admin/reviews',
    permission: 'access_reviews.review',
    Page: lazyPage(
      () => import('./modules/access/ReviewsPage.js'),
      (m) => m.ReviewsPage,
    ),
  },
  {
    path: '/admin/reviews/:id',
    permission: 'access_reviews.review',
    Page: lazyPage(
      () => import('./modules/access/ReviewDetailPage.js'),
      (m) => m.ReviewDetailPage,
    ),
  },
  {
    path: '/admin/network',
    permission: 'network.manage',
    Page: lazyPage(
      () => import('./modules/access/NetworkPage.js'),
      (m) => m.NetworkPage,
    ),
  },
  {
    path: '/admin/handover',
    permission: 'handover.manage',
    Page: lazyPage(
      () => import('./modules/access/HandoverPage.js'),
      (m) => m.HandoverPage,
    ),
  },
  {
    path: '/admin/handover/:id',
    permission: 'handover.manage',
    Page: lazyPage(
      () => import('./modules/access/HandoverPage.js'),
      (m) => m.HandoverDetailPage,
    ),
  },
  {
    path: '/admin/sso',
    permission: 'sso.manage',
    Page: lazyPage(
      () => import('./modules/access/SsoPage.js'),
      (m) => m.SsoPage,
    ),
  },
  {
    path: '/admin/notification-list',
    permission: 'notify.list.manage',
    Page: lazyPage(
      () => import('./modules/access/NotificationListPage.js'),
      (m) => m.NotificationListPage,
    ),
  },
  {
    path: '/security',
    permission: 'security.read',
    Page: lazyPage(
      () => import('./modules/security/SecurityCentrePage.js'),
      (m) => m.SecurityCentrePage,
    ),
  },
  {
    path: '/admin/sessions',
    permission: 'sessions.read',
    Page: lazyPage(
      () => import('./modules/security/SessionsPage.js'),
      (m) => m.SessionsPage,
    ),
  },
  {
    path: '/admin/outbox',
    permission: 'notify.outbox.read',
    Page: lazyPage(
      () => import('./modules/notify/OutboxPage.js'),
      (m) => m.OutboxPage,
    ),
  },
  {
    path: '/admin/settings',
    permission: 'school.settings.manage',
    Page: lazyPage(
      () => import('./modules/school/SettingsPage.js'),
      (m) => m.SettingsPage,
    ),
  },
  {
    path: '/students',
    permission: 'students.read',
    Page: lazyPage(
      () => import('./modules/students/StudentsPage.js'),
      (m) => m.StudentsPage,
    ),
  },
  {
    path: '/students/:id',
    permission: 'students.read',
    Page: lazyPage(
      () => import('./modules/students/StudentDetailPage.js'),
      (m) => m.StudentDetailPage,
    ),
  },
  {
    path: '/staff',
    permission: 'staff.read',
    Page: lazyPage(
      () => import('./modules/staff/StaffPage.js'),
      (m) => m.StaffPage,
    ),
  },
  {
    path: '/school/setup',
    permission: 'classes.read',
    Page: lazyPage(
      () => import('./modules/school/SchoolSetupPage.js'),
      (m) => m.SchoolSetupPage,
    ),
  },
  {
    path: '/school/import',
    permission: IMPORT_EXPORT_PERMISSIONS,
    Page: lazyPage(
      () => import('./modules/school/ImportExportPage.js'),
      (m) => m.ImportExportPage,
    ),
  },
  {
    path: '/exchange/inbox',
    permission: 'exchange.read',
    Page: lazyPage(
      () => import('./modules/exchange/InboxPage.js'),
      (m) => m.InboxPage,
    ),
  },
  {
    path: '/exchange/inbox/:id',
    permission: 'exchange.read',
    Page: lazyPage(
      () => import('./modules/exchange/MessagePage.js'),
      (m) => m.MessagePage,
    ),
  },
  {
    path: '/exchange/returns/:id',
    permission: 'exchange.read',
    Page: lazyPage(
      () => import('./modules/exchange/ReturnPage.js'),
      (m) => m.ReturnPage,
    ),
  },
  {
    path: '/exchange/procedures',
    permission: 'exchange.read',
    Page: lazyPage(
      () => import('./modules/exchange/ProceduresPage.js'),
      (m) => m.ProceduresPage,
    ),
  },
  {
    path: '/exchange/log',
    permission: 'exchange.read',
    Page: lazyPage(
      () => import('./modules/exchange/LogPage.js'),
      ({ ExchangeLogPage }) =>
        function SchoolExchangeLog() {
          return <ExchangeLogPage side="exchange" />;
        },
    ),
  },
  {
    path: '/authority/messages',
    permission: 'authority.read',
    Page: lazyPage(
      () => import('./modules/authority/MessagesPage.js'),
      (m) => m.MessagesPage,
    ),
  },
  {
    path: '/authority/messages/new',
    permission: 'authority.publish',
    Page: lazyPage(
      () => import('./modules/authority/NewMessagePage.js'),
      (m) => m.NewMessagePage,
    ),
  },
  {
    path: '/authority/messages/:id',
    permission: 'authority.read',
    Page: lazyPage(
      () => import('./modules/authority/ProgressPage.js'),
      (m) => m.ProgressPage,
    ),
  },
  {
    path: '/authority/log',
    permission: 'authority.read',
    Page: lazyPage(
      () => import('./modules/exchange/LogPage.js'),
      ({ ExchangeLogPage }) =>
        function AuthorityExchangeLog() {
          return <ExchangeLogPage side="authority" />;
        },
    ),
  },
  {
    path: '/planning',
    permission: 'planning.read',
    Page: lazyPage(
      () => import('./modules/planning/CalendarPage.js'),
      (m) => m.CalendarPage,
    ),
  },
  {
    path: '/planning/rollover',
    permission: 'planning.read',
    Page: lazyPage(
      () => import('./modules/planning/RolloverPage.js'),
      (m) => m.RolloverPage,
    ),
  },
];

/** Starts fetching the first page's script (and the signed-in shell's, for a signed-in page) before the first render. */
export function preloadFirstPage(pathname: string): void {
  if (pathname === '/login' || pathname === '/login/mfa') return void PUBLIC_PAGES.login.preload();
  if (pathname.startsWith('/setup/')) return void PUBLIC_PAGES.setup.preload();
  if (pathname === '/enrol-mfa' || pathname === '/change-password') return void PUBLIC_PAGES.enrolMfa.preload();
  void APP_LAYOUT.preload();
  void (pathname === '/' ? HOME_PAGE : APP_PAGES.find((p) => p.path === pathname)?.Page)?.preload();
}
