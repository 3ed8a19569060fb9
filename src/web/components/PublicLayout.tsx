import type { ReactNode } from 'react';
import { AppShell, Button, Group, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Outlet, useNavigate } from 'react-router';
import { api, setCsrfToken, type Me } from '../api.js';
import { useIsPhone } from './phone.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { meQuery, useMe } from './session.js';

// The shell before the system opens, and the header parts the signed-in shell (Layout.tsx) shares.
// Kept apart from Layout.tsx so the sign-in page's first load carries none of the signed-in
// navigation, menus and notifications (issue 14: 200 KB of gzip script at most; vite.config.ts).

export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(meQuery.queryKey, null);
      void navigate('/login', { replace: true });
    }
  };
}

export function schoolName(me: Me | null | undefined, language: string): string | null {
  if (!me) return null;
  return language === 'en' ? me.school.nameEn : me.school.nameZh;
}

export function LogoutButton() {
  const { t } = useTranslation();
  const logout = useLogout();
  return (
    <Button size="compact-sm" variant="default" onClick={() => void logout()} data-testid="logout">
      {t('auth.logout')}
    </Button>
  );
}

/** The school's name in full: on a phone it may take two lines rather than end in "…". */
export function SchoolName({ phone }: { phone: boolean }) {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  return (
    <Text fw={700} size={phone ? 'sm' : 'md'} lh={1.2} lineClamp={phone ? 2 : 1} style={{ minWidth: 0 }} data-testid="school-name">
      {schoolName(me, i18n.language) ?? t('app.name')}
    </Text>
  );
}

/** The shell for signing in, setup and the steps before the system opens. */
export function PublicLayout({ children }: { children?: ReactNode }) {
  const { data: me } = useMe();
  const phone = useIsPhone();
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="sm" justify="space-between" wrap="nowrap">
          <SchoolName phone={phone} />
          <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
            <LanguageSwitch />
            {me && <LogoutButton />}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>{children ?? <Outlet />}</AppShell.Main>
    </AppShell>
  );
}
