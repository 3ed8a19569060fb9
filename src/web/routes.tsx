import type { ReactNode } from 'react';
import type { PermissionKey } from '../contracts/permissions.js';
import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { AppLayout, PublicLayout } from './components/Layout.js';
import { hasAnyPermission, RequireDone, RequireSession, useMe } from './components/session.js';
import { AccountPage } from './modules/access/AccountPage.js';
import { ChangePasswordPage, EnrolMfaPage } from './modules/access/EnrolMfaPage.js';
import { LoginPage, MfaPage } from './modules/access/LoginPage.js';
import { SetupPage } from './modules/access/SetupPage.js';
import { AccessPage } from './modules/access/AccessPage.js';
import { RoleEditorPage } from './modules/access/RoleEditorPage.js';
import { RolesPage } from './modules/access/RolesPage.js';
import { HandoverDetailPage, HandoverPage } from './modules/access/HandoverPage.js';
import { SsoPage } from './modules/access/SsoPage.js';
import { NetworkPage } from './modules/access/NetworkPage.js';
import { NotificationListPage } from './modules/access/NotificationListPage.js';
import { ReviewDetailPage } from './modules/access/ReviewDetailPage.js';
import { ReviewsPage } from './modules/access/ReviewsPage.js';
import { UsersPage } from './modules/access/UsersPage.js';
import { HomePage } from './modules/governance/DashboardPage.js';
import { OutboxPage } from './modules/notify/OutboxPage.js';
import { ImportExportPage } from './modules/school/ImportExportPage.js';
import { IMPORT_EXPORT_PERMISSIONS } from './modules/school/importColumns.js';
import { SchoolSetupPage } from './modules/school/SchoolSetupPage.js';
import { SettingsPage } from './modules/school/SettingsPage.js';
import { StaffPage } from './modules/staff/StaffPage.js';
import { StudentDetailPage } from './modules/students/StudentDetailPage.js';
import { StudentsPage } from './modules/students/StudentsPage.js';
import { AuditPage } from './modules/security/AuditPage.js';
import { InboxPage } from './modules/exchange/InboxPage.js';
import { ExchangeLogPage } from './modules/exchange/LogPage.js';
import { MessagePage } from './modules/exchange/MessagePage.js';
import { ProceduresPage } from './modules/exchange/ProceduresPage.js';
import { ReturnPage } from './modules/exchange/ReturnPage.js';
import { MessagesPage } from './modules/authority/MessagesPage.js';
import { NewMessagePage } from './modules/authority/NewMessagePage.js';
import { ProgressPage } from './modules/authority/ProgressPage.js';
import { SessionsPage } from './modules/security/SessionsPage.js';
import { SchoolKeyPage } from './modules/security/SchoolKeyPage.js';
import { PrivilegedAccountsPage } from './modules/security/PrivilegedAccountsPage.js';
import { SecurityCentrePage } from './modules/security/SecurityCentrePage.js';

/** Hides a page the person has no permission for (the server refuses the data anyway). */
function RequirePermission({ permission, children }: { permission: PermissionKey | readonly PermissionKey[]; children: ReactNode }) {
  const { t } = useTranslation();
  const { data: me } = useMe();
  if (!hasAnyPermission(me, typeof permission === 'string' ? [permission] : permission)) {
    return (
      <Alert color="red" variant="outline" role="alert" data-testid="forbidden">
        <Text size="sm">{t('errors.forbidden')}</Text>
      </Alert>
    );
  }
  return children;
}

function NotFound() {
  const { t } = useTranslation();
  return <Text data-testid="not-found">{t('errors.not_found')}</Text>;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<PublicLayout />}>
        <Route path="/setup/:token" element={<SetupPage />} />
        <Route path="/login" element={<LoginPage />} />
        <Route path="/login/mfa" element={<MfaPage />} />
        <Route element={<RequireSession />}>
          <Route path="/enrol-mfa" element={<EnrolMfaPage />} />
          <Route path="/change-password" element={<ChangePasswordPage />} />
        </Route>
      </Route>
      <Route element={<RequireDone />}>
        <Route element={<AppLayout />}>
          <Route index element={<HomePage />} />
          <Route path="/account" element={<AccountPage />} />
          <Route
            path="/audit"
            element={
              <RequirePermission permission="audit.read">
                <AuditPage />
              </RequirePermission>
            }
          />
          <Route
            path="/security/accounts"
            element={
              <RequirePermission permission="security.read">
                <PrivilegedAccountsPage />
              </RequirePermission>
            }
          />
          <Route
            path="/security/key"
            element={
              <RequirePermission permission="security.read">
                <SchoolKeyPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/users"
            element={
              <RequirePermission permission="users.read">
                <UsersPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/roles"
            element={
              <RequirePermission permission="roles.read">
                <RolesPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/roles/:id"
            element={
              <RequirePermission permission="roles.read">
                <RoleEditorPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/access"
            element={
              <RequirePermission permission="roles.read">
                <AccessPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/reviews"
            element={
              <RequirePermission permission="access_reviews.review">
                <ReviewsPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/reviews/:id"
            element={
              <RequirePermission permission="access_reviews.review">
                <ReviewDetailPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/network"
            element={
              <RequirePermission permission="network.manage">
                <NetworkPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/handover"
            element={
              <RequirePermission permission="handover.manage">
                <HandoverPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/handover/:id"
            element={
              <RequirePermission permission="handover.manage">
                <HandoverDetailPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/sso"
            element={
              <RequirePermission permission="sso.manage">
                <SsoPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/notification-list"
            element={
              <RequirePermission permission="notify.list.manage">
                <NotificationListPage />
              </RequirePermission>
            }
          />
          <Route
            path="/security"
            element={
              <RequirePermission permission="security.read">
                <SecurityCentrePage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/sessions"
            element={
              <RequirePermission permission="sessions.read">
                <SessionsPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/outbox"
            element={
              <RequirePermission permission="notify.outbox.read">
                <OutboxPage />
              </RequirePermission>
            }
          />
          <Route
            path="/admin/settings"
            element={
              <RequirePermission permission="school.settings.manage">
                <SettingsPage />
              </RequirePermission>
            }
          />
          <Route
            path="/students"
            element={
              <RequirePermission permission="students.read">
                <StudentsPage />
              </RequirePermission>
            }
          />
          <Route
            path="/students/:id"
            element={
              <RequirePermission permission="students.read">
                <StudentDetailPage />
              </RequirePermission>
            }
          />
          <Route
            path="/staff"
            element={
              <RequirePermission permission="staff.read">
                <StaffPage />
              </RequirePermission>
            }
          />
          <Route
            path="/school/setup"
            element={
              <RequirePermission permission="classes.read">
                <SchoolSetupPage />
              </RequirePermission>
            }
          />
          <Route
            path="/school/import"
            element={
              <RequirePermission permission={IMPORT_EXPORT_PERMISSIONS}>
                <ImportExportPage />
              </RequirePermission>
            }
          />
          <Route
            path="/exchange/inbox"
            element={
              <RequirePermission permission="exchange.read">
                <InboxPage />
              </RequirePermission>
            }
          />
          <Route
            path="/exchange/inbox/:id"
            element={
              <RequirePermission permission="exchange.read">
                <MessagePage />
              </RequirePermission>
            }
          />
          <Route
            path="/exchange/returns/:id"
            element={
              <RequirePermission permission="exchange.read">
                <ReturnPage />
              </RequirePermission>
            }
          />
          <Route
            path="/exchange/procedures"
            element={
              <RequirePermission permission="exchange.read">
                <ProceduresPage />
              </RequirePermission>
            }
          />
          <Route
            path="/exchange/log"
            element={
              <RequirePermission permission="exchange.read">
                <ExchangeLogPage side="exchange" />
              </RequirePermission>
            }
          />
          <Route
            path="/authority/messages"
            element={
              <RequirePermission permission="authority.read">
                <MessagesPage />
              </RequirePermission>
            }
          />
          <Route
            path="/authority/messages/new"
            element={
              <RequirePermission permission="authority.publish">
                <NewMessagePage />
              </RequirePermission>
            }
          />
          <Route
            path="/authority/messages/:id"
            element={
              <RequirePermission permission="authority.read">
                <ProgressPage />
              </RequirePermission>
            }
          />
          <Route
            path="/authority/log"
            element={
              <RequirePermission permission="authority.read">
                <ExchangeLogPage side="authority" />
              </RequirePermission>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
