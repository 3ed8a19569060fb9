import type { PermissionKey } from '../../contracts/permissions.js';
import { lazy, Suspense } from 'react';
import { AppShell, Burger, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { useIsPhone } from './phone.js';
import { LanguageSwitch } from './LanguageSwitch.js';

// The bell's list and the phone's menu float over the page (Mantine's Popover and Menu, about 18 KB
// of gzip script with their positioning library): fetched beside the page, not before it, so the
// dashboard's first load stays under 200 KB (issue 14; vite.config.ts fails the build above it).
const NotificationsBell = lazy(() => import('./NotificationsBell.js').then((m) => ({ default: m.NotificationsBell })));
const PhoneMenu = lazy(() => import('./PhoneMenu.js').then((m) => ({ default: m.PhoneMenu })));
import { LogoutButton, SchoolName } from './PublicLayout.js';
import { hasAnyPermission, useMe } from './session.js';
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
            <Suspense fallback={null}>
              <NotificationsBell />
            </Suspense>
            {!phone && (
              <Text size="sm" visibleFrom="md" data-testid="current-user">
                {me ? (i18n.language === 'en' ? me.user.displayNameEn : (me.user.displayNameZh ?? me.user.displayNameEn)) : ''}
              </Text>
            )}
            {phone ? (
              <Suspense fallback={null}>
                <PhoneMenu signedIn />
              </Suspense>
            ) : (
              <LogoutButton />
            )}
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
