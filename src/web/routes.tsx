import { type ReactNode, Suspense } from 'react';
import type { PermissionKey } from '../contracts/permissions.js';
import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, Route, Routes } from 'react-router';
import { PublicLayout } from './components/PublicLayout.js';
import { hasAnyPermission, PageLoader, RequireDone, RequireSession, useMe } from './components/session.js';
import { APP_LAYOUT as AppLayout, APP_PAGES, HOME_PAGE, PUBLIC_PAGES } from './pages.js';

// Every page is fetched when first opened (pages.tsx); main.tsx starts the first one early.
const { login: LoginPage, mfa: MfaPage, setup: SetupPage, enrolMfa: EnrolMfaPage, changePassword: ChangePasswordPage } = PUBLIC_PAGES;

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

/** While a page's script is on its way, the layout stays and a loader (with a translated label) shows. */
function LazyOutlet() {
  return (
    <Suspense fallback={<PageLoader />}>
      <Outlet />
    </Suspense>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<PublicLayout />}>
        <Route element={<LazyOutlet />}>
          <Route path="/setup/:token" element={<SetupPage />} />
          <Route path="/login" element={<LoginPage />} />
          <Route path="/login/mfa" element={<MfaPage />} />
          <Route element={<RequireSession />}>
            <Route path="/enrol-mfa" element={<EnrolMfaPage />} />
            <Route path="/change-password" element={<ChangePasswordPage />} />
          </Route>
        </Route>
      </Route>
      <Route element={<RequireDone />}>
        <Route
          element={
            <Suspense fallback={<PageLoader />}>
              <AppLayout />
            </Suspense>
          }
        >
          <Route element={<LazyOutlet />}>
            <Route index element={<HOME_PAGE />} />
            {APP_PAGES.map(({ path, permission, Page }) => (
              <Route
                key={path}
                path={path}
                element={
                  permission ? (
                    <RequirePermission permission={permission}>
                      <Page />
                    </RequirePermission>
                  ) : (
                    <Page />
                  )
                }
              />
            ))}
            <Route path="*" element={<NotFound />} />
          </Route>
        </Route>
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
