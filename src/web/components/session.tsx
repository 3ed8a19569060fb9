import { useEffect } from 'react';
import type { PermissionKey } from '../../contracts/permissions.js';
import { Navigate, Outlet } from 'react-router';
import { Center, Loader } from '@mantine/core';
import { queryOptions, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Locale, SessionStage } from '../../contracts/auth.js';
import { api, ApiError, setCsrfToken, type Me } from '../api.js';
import i18n, { currentLocale, rememberLocale } from '../i18n/index.js';

export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: async (): Promise<Me | null> => {
    try {
      const me = await api.get<Me>('/api/auth/me');
      setCsrfToken(me.csrfToken);
      return me;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        return null;
      }
      throw error;
    }
  },
  staleTime: 60_000,
  retry: false,
});

export function useMe() {
  return useQuery(meQuery);
}

/** Reloads the session (after login, MFA, password change) and returns it. */
export function refreshMe(queryClient: QueryClient): Promise<Me | null> {
  return queryClient.fetchQuery({ ...meQuery, staleTime: 0 });
}

export function stagePath(stage: SessionStage): string {
  switch (stage) {
    case 'mfa':
      return '/login/mfa';
    case 'enrol':
      return '/enrol-mfa';
    case 'password':
      return '/change-password';
    case 'done':
      return '/';
  }
}

export function hasPermission(me: Me | null | undefined, permission: PermissionKey): boolean {
  return Boolean(me?.permissions.includes(permission));
}

export function hasAnyPermission(me: Me | null | undefined, permissions: readonly PermissionKey[]): boolean {
  return permissions.some((permission) => hasPermission(me, permission));
}

/** Switches the language; a signed-in person's choice is saved on their account. */
export function useSetLocale(): (locale: Locale) => Promise<void> {
  const queryClient = useQueryClient();
  return async (locale: Locale) => {
    const me = queryClient.getQueryData(meQuery.queryKey);
    if (me) {
      await api.put('/api/account/locale', { locale });
      queryClient.setQueryData(meQuery.queryKey, (old) => (old ? { ...old, user: { ...old.user, locale } } : old));
    }
    rememberLocale(locale);
    await i18n.changeLanguage(locale);
  };
}

/** Follows the signed-in person's saved language. */
export function LocaleSync() {
  const { data: me } = useMe();
  const locale = me?.user.locale;
  useEffect(() => {
    if (!locale) return;
    // Also remembered on this device, so the sign-in page after signing out keeps the language.
    rememberLocale(locale);
    if (locale !== currentLocale()) void i18n.changeLanguage(locale);
  }, [locale]);
  return null;
}

export function PageLoader() {
  const { t } = useTranslation();
  return (
    <Center p="xl">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}

/** Pages for a fully signed-in person; anything pending (MFA, enrolment, password) comes first. */
export function RequireDone() {
  const { data: me, isPending } = useMe();
  if (isPending) return <PageLoader />;
  if (!me) return <Navigate to="/login" replace />;
  if (me.stage !== 'done') return <Navigate to={stagePath(me.stage)} replace />;
  return <Outlet />;
}

/** Pages for any signed-in session (enrolment, password change). */
export function RequireSession() {
  const { data: me, isPending } = useMe();
  if (isPending) return <PageLoader />;
  if (!me) return <Navigate to="/login" replace />;
  return <Outlet />;
}
