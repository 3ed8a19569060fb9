import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type UnlockResultView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { KEY_WINDOW_QUERY, KeyWindowNote, useKeyWindow, windowOpen } from '../security/keyWindow.js';
import { KEY_WORD_COUNT, KeyWordsInput, splitWords } from './shared.js';

/**
 * Unlock the inbox with the school key: every message still encrypted is decrypted and imported.
 * The words go to the server once, for this request, and are cleared from the form afterwards;
 * while the person's session holds the key unlocked (a few minutes after they typed it), no words
 * are asked for.
 */
export function UnlockModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [words, setWords] = useState('');
  const [tried, setTried] = useState(false);
  const keyWindow = useKeyWindow();
  const unlocked = windowOpen(keyWindow.data);
  const unlock = useMutation({
    mutationFn: (list: string[] | null) => api.post<UnlockResultView>('/api/exchange/unlock', list ? { words: list } : {}),
    onSuccess: async (result) => {
      setWords('');
      await queryClient.invalidateQueries({ queryKey: ['exchange'] });
      await queryClient.invalidateQueries({ queryKey: KEY_WINDOW_QUERY });
      showSuccess(t('exchange.unlock.done', { imported: result.imported, failed: result.failed }));
      if (result.failed === 0) onClose();
    },
    // The window ran out meanwhile: ask for the words.
    onError: () => void queryClient.invalidateQueries({ queryKey: KEY_WINDOW_QUERY }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (unlocked) {
      unlock.mutate(null);
      return;
    }
    setTried(true);
    const list = splitWords(words);
    if (list.length === KEY_WORD_COUNT) unlock.mutate(list);
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened onClose={onClose} title={t('exchange.unlock.title')} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('exchange.unlock.explain')}</Text>
          {unlocked && keyWindow.data?.unlockedUntil ? (
            <KeyWindowNote until={keyWindow.data.unlockedUntil} />
          ) : (
            <KeyWordsInput value={words} onChange={setWords} showError={tried} testId="unlock-words" />
          )}
          {unlock.data && unlock.data.failed > 0 && (
            <Alert color="red" variant="outline" role="alert" data-testid="unlock-failed">
              <Text size="sm">{t('exchange.unlock.someFailed', { count: unlock.data.failed })}</Text>
            </Alert>
          )}
          <FormError error={unlock.error} testId="unlock-error" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={unlock.isPending} data-testid="unlock-submit">
              {t('exchange.unlock.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
