import { ActionIcon, Menu } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_OPTIONS, useChooseLocale } from './LanguageSwitch.js';
import { useLogout } from './PublicLayout.js';
import { useMe } from './session.js';

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
export function PhoneMenu({ signedIn }: { signedIn: boolean }) {
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
