import { useState } from 'react';
import { Button, Group } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../../contracts/auth.js';
import { currentLocale } from '../i18n/index.js';
import { useSetLocale } from './session.js';
import { ApiError } from '../api.js';

const OPTIONS: { locale: Locale; label: string; testId: string; lang: string }[] = [
  { locale: 'zh-HK', label: '中文', testId: 'lang-switch-zh', lang: 'zh-HK' },
  { locale: 'en', label: 'English', testId: 'lang-switch-en', lang: 'en' },
];

export const LANGUAGE_OPTIONS = OPTIONS;

/** Switch the screen language (and the person's saved preference when signed in). */
export function useChooseLocale(): { active: Locale; choose: (locale: Locale) => Promise<void> } {
  const { t } = useTranslation();
  const setLocale = useSetLocale();
  const [busy, setBusy] = useState(false);
  const active = currentLocale();

  const choose = async (locale: Locale) => {
    if (locale === active || busy) return;
    setBusy(true);
    try {
      await setLocale(locale);
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'internal';
      notifications.show({ color: 'red', message: t(`errors.${code}`, { defaultValue: t('errors.internal') }) });
    } finally {
      setBusy(false);
    }
  };
  return { active, choose };
}

/** 中文 / English toggle; the labels are each language's own name, so they are not translated. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const { active, choose } = useChooseLocale();
  return (
    <Group gap={0} role="group" aria-label={t('common.language')} data-testid="lang-switch" wrap="nowrap">
      {OPTIONS.map((option) => (
        <Button
          key={option.locale}
          size="compact-sm"
          variant={option.locale === active ? 'filled' : 'default'}
          aria-pressed={option.locale === active}
          lang={option.lang}
          data-testid={option.testId}
          onClick={() => void choose(option.locale)}
        >
          {option.label}
        </Button>
      ))}
    </Group>
  );
}
