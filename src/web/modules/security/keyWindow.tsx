import { Alert, Code, SimpleGrid, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { KeyUnlockState } from '../../../contracts/security-key.js';
import { api } from '../../api.js';
import { formatDateTime } from '../../components/format.js';

export type KeyUnlockStateView = z.infer<typeof KeyUnlockState>;

export const KEY_WINDOW_QUERY = ['school-key-window'] as const;

/**
 * Whether this session holds the school key unlocked (issue 14 item 9): a protected step then goes
 * without the 24 words. Asked again whenever a step is about to use it, never cached for long.
 */
export function useKeyWindow() {
  return useQuery({
    queryKey: KEY_WINDOW_QUERY,
    queryFn: () => api.get<KeyUnlockStateView>('/api/security/key/unlocked'),
    staleTime: 5_000,
  });
}

export const windowOpen = (state: KeyUnlockStateView | undefined, now = Date.now()): boolean =>
  !!state?.unlockedUntil && Date.parse(state.unlockedUntil) > now;

/** "The school key is unlocked for you until 10:42": said where a step will use it instead of asking for the words. */
export function KeyWindowNote({ until, testId = 'key-window-note' }: { until: string; testId?: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Alert color="green" variant="outline" data-testid={testId}>
      <Text size="sm">{t('schoolKey.window.open', { until: formatDateTime(until, i18n.language) })}</Text>
    </Alert>
  );
}

/** The 24 words shown once (a new key, or a key recovered from shares), numbered, to be written down. */
export function KeyWordsShown({ words, testId }: { words: string[]; testId: string }) {
  return (
    <SimpleGrid cols={{ base: 2, xs: 3, sm: 4 }} spacing="xs" component="ol" data-testid={testId} style={{ paddingInlineStart: '1.75rem' }}>
      {words.map((word, index) => (
        <li key={`${index}-${word}`}>
          <Code fz="md" data-testid={`${testId}-word`}>
            {word}
          </Code>
        </li>
      ))}
    </SimpleGrid>
  );
}
