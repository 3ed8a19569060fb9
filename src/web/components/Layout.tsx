import type { ReactNode } from 'react';
import type { PermissionKey } from '../../contracts/permissions.js';
import { ActionIcon, AppShell, Burger, Button, Group, Menu, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { api, setCsrfToken, type Me } from '../api.js';
import { useIsPhone } from './phone.js';
import { LANGUAGE_OPTIONS, LanguageSwitch, useChooseLocale } from './LanguageSwitch.js';
import { NotificationsBell } from './NotificationsBell.js';
import { hasAnyPermission, meQuery, useMe } from './session.js';
import { IMPORT_EXPORT_PERMISSIONS } from '../modules/school/importColumns.js';

interface NavItem {
  id: string;
  to: string;
  labelKey: string;
  /** Shown when the person holds this permission (or any of these); null = everyone. */
  permission: PermissionKey | readonly PermissionKey[] | null;
}
interface NavGroup {
  labelKey: string;
  items: NavItem[];
}

const NAV: NavGroup[] = [
  { labelKey: 'nav.governance', items: [{ id: 'dashboard', to: '/', labelKey: 'nav.dashboard', permission: 'governance.dashboard.read' }] },
  {
    labelKey: 'nav.records',
    items: [
      { id: 'students', to: '/students', labelKey: 'nav.students', permission: 'students.read' },
      { id: 'staff', to: '/staff', labelKey: 'nav.staff', permission: 'staff.read' },
      { id: 'school-setup', to: '/school/setup', labelKey: 'nav.schoolSetup', permission: 'classes.read' },
      { id: 'import', to: '/school/import', labelKey: 'nav.importExport', permission: IMPORT_EXPORT_PERMISSIONS },
    ],
  },
  {
    labelKey: 'permissionModules.planning',
    items: [
      { id: 'planning', to: '/planning', labelKey: 'planningCalendar.nav', permission: 'planning.read' },
      { id: 'planning-rollover', to: '/planning/rollover', labelKey: 'rollover.nav', permission: 'planning.read' },
    ],
  },
  {
    labelKey: 'nav.exchange',
    items: [
      { id: 'exchange-inbox', to: '/exchange/inbox', labelKey: 'nav.exchangeInbox', permission: 'exchange.read' },
      { id: 'exchange-procedures', to: '/exchange/procedures', labelKey: 'nav.exchangeProcedures', permission: 'exchange.read' },
      { id: 'exchange-log', to: '/exchange/log', labelKey: 'nav.exchangeLog', permission: 'exchange.read' },
    ],
  },
  {
    labelKey: 'nav.authority',
    items: [
      { id: 'authority-messages', to: '/authority/messages', labelKey: 'nav.authorityMessages', permission: 'authority.read' },
      { id: 'authority-new', to: '/authority/messages/new', labelKey: 'nav.authorityNew', permission: 'authority.publish' },
      { id: 'authority-log', to: '/authority/log', labelKey: 'nav.authorityLog', permission: 'authority.read' },
    ],
  },
  {
    labelKey: 'nav.security',
    items: [
      { id: 'security-centre', to: '/security', labelKey: 'nav.securityCentre', permission: 'security.read' },
      { id: 'security-key', to: '/security/key', labelKey: 'schoolKey.nav', permission: 'security.read' },
      { id: 'security-accounts', to: '/security/accounts', labelKey: 'privileged.nav', permission: 'security.read' },
      { id: 'audit', to: '/audit', labelKey: 'nav.audit', permission: 'audit.read' },
      { id: 'sessions', to: '/admin/sessions', labelKey: 'nav.sessions', permission: 'sessions.read' },
      { id: 'network', to: '/admin/network', labelKey: 'nav.network', permission: 'network.manage' },
      { id: 'sso', to: '/admin/sso', labelKey: 'nav.sso', permission: 'sso.manage' },
    ],
  },
  {
    labelKey: 'nav.users',
    items: [
      { id: 'users', to: '/admin/users', labelKey: 'nav.usersList', permission: 'users.read' },
      { id: 'roles', to: '/admin/roles', labelKey: 'nav.roles', permission: 'roles.read' },
      { id: 'access', to: '/admin/access', labelKey: 'nav.access', permission: 'roles.read' },
      { id: 'reviews', to: '/admin/reviews', labelKey: 'nav.reviews', permission: 'access_reviews.review' },
      { id: 'handover', to: '/admin/handover', labelKey: 'nav.handover', permission: 'handover.manage' },
      { id: 'settings', to: '/admin/settings', labelKey: 'nav.settings', permission: 'school.settings.manage' },
    ],
  },
  {
    labelKey: 'nav.notifications',
    items: [
      { id: 'outbox', to: '/admin/outbox', labelKey: 'nav.outbox', permission: 'notify.outbox.read' },
      { id: 'notification-list', to: '/admin/notification-list', labelKey: 'nav.notificationList', permission: 'notify.list.manage' },
    ],
  },
  { labelKey: 'nav.me', items: [{ id: 'account', to: '/account', labelKey: 'nav.account', permission: null }] },
];

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

function LogoutButton() {
  const { t } = useTranslation();
  const logout = useLogout();
  return (
    <Button size="compact-sm" variant="default" onClick={() => void logout()} data-testid="logout">
      {t('auth.logout')}
    </Button>
  );
}

function MenuIcon() {
  return (
    <svg
      aria-hidden="true"
      width="18"
      height="18"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
    >
      <circle cx="12" cy="8" r="4" />
      <path d="M4 21c0-4 4-6 8-6s8 2 8 6" />
    </svg>
  );
}

/** On a phone: language and sign-out behind one button, so the school's name keeps its room. */
function PhoneMenu({ signedIn }: { signedIn: boolean }) {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const logout = useLogout();
  const { active, choose } = useChooseLocale();
  const name = me ? (i18n.language === 'en' ? me.user.displayNameEn : (me.user.displayNameZh ?? me.user.displayNameEn)) : '';
  return (
    <Menu position="bottom-end" withinPortal={false}>
      <Menu.Target>
        <ActionIcon variant="default" size="lg" aria-label={t('layout.menu')} data-testid="header-menu">
          <MenuIcon />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {signedIn && name && <Menu.Label data-testid="current-user">{t('layout.signedInAs', { name })}</Menu.Label>}
        <Menu.Label>{t('layout.language')}</Menu.Label>
        {LANGUAGE_OPTIONS.map((option) => (
          <Menu.Item
            key={option.locale}
            lang={option.lang}
            aria-current={option.locale === active ? 'true' : undefined}
            fw={option.locale === active ? 700 : 400}
            onClick={() => void choose(option.locale)}
            data-testid={option.testId}
          >
            {option.label}
          </Menu.Item>
        ))}
        {signedIn && (
          <>
            <Menu.Divider />
            <Menu.Item onClick={() => void logout()} data-testid="logout">
              {t('auth.logout')}
            </Menu.Item>
          </>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

/** The school's name in full: on a phone it may take two lines rather than end in "…". */
function SchoolName({ phone }: { phone: boolean }) {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  return (
    <Text fw={700} size={phone ? 'sm' : 'md'} lh={1.2} lineClamp={phone ? 2 : 1} style={{ minWidth: 0 }} data-testid="school-name">
      {schoolName(me, i18n.language) ?? t('app.name')}
    </Text>
  );
}

/** The signed-in shell: header, navigation by module (each item by permission), main content. */
export function AppLayout() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const visible = NAV.map((group) => ({
    ...group,
    items: group.items.filter(
      (item) => item.permission === null || hasAnyPermission(me, typeof item.permission === 'string' ? [item.permission] : item.permission),
    ),
  }));
  // The most specific item wins: on /authority/messages/new only "New message" is current, not "Messages" too.
  const matches = (to: string) =>
    to === '/' ? location.pathname === '/' : location.pathname === to || location.pathname.startsWith(`${to}/`);
  const activeTo = visible
    .flatMap((group) => group.items.map((item) => item.to))
    .filter(matches)
    .sort((a, b) => b.length - a.length)[0];
  const isActive = (to: string) => to === activeTo;
  const phone = useIsPhone();

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="sm" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} data-testid="nav-burger" />
            <SchoolName phone={phone} />
          </Group>
          <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
            {!phone && <LanguageSwitch />}
            <NotificationsBell />
            {!phone && (
              <Text size="sm" visibleFrom="md" data-testid="current-user">
                {me ? (i18n.language === 'en' ? me.user.displayNameEn : (me.user.displayNameZh ?? me.user.displayNameEn)) : ''}
              </Text>
            )}
            {phone ? <PhoneMenu signedIn /> : <LogoutButton />}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('nav.label')}>
        <AppShell.Section grow component={ScrollArea}>
          {visible.map((group) => {
            const items = group.items;
            if (items.length === 0) return null;
            return (
              <div key={group.labelKey}>
                <Text size="xs" fw={700} tt="uppercase" px="sm" pt="sm" pb={4}>
                  {t(group.labelKey)}
                </Text>
                {items.map((item) => (
                  <NavLink
                    key={item.id}
                    component={Link}
                    to={item.to}
                    label={t(item.labelKey)}
                    active={isActive(item.to)}
                    aria-current={isActive(item.to) ? 'page' : undefined}
                    onClick={close}
                    data-testid={`nav-${item.id}`}
                  />
                ))}
              </div>
            );
          })}
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
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
