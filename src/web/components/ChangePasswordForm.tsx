import { useState, type FormEvent } from 'react';
import { Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { FormError } from './FormError.js';

export function PasswordRules() {
  const { t } = useTranslation();
  return <Text size="sm">{t('password.rules')}</Text>;
}

/** Current, new and confirm; checks the confirmation here and leaves the policy to the server. */
export function ChangePasswordForm({ onDone }: { onDone: () => void | Promise<void> }) {
  const { t } = useTranslation();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const mutation = useMutation({
    mutationFn: () => api.post('/api/account/password', { currentPassword, newPassword }),
    onSuccess: async () => {
      setCurrent('');
      setNew('');
      setConfirm('');
      await onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (newPassword !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    mutation.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={420}>
        <PasswordRules />
        <PasswordInput
          label={t('password.current')}
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(e) => setCurrent(e.currentTarget.value)}
          data-testid="cp-current"
        />
        <PasswordInput
          label={t('password.new')}
          autoComplete="new-password"
          required
          value={newPassword}
          onChange={(e) => setNew(e.currentTarget.value)}
          data-testid="cp-new"
        />
        <PasswordInput
          label={t('password.confirm')}
          autoComplete="new-password"
          required
          value={confirm}
          error={mismatch ? t('password.mismatch') : undefined}
          onChange={(e) => setConfirm(e.currentTarget.value)}
          data-testid="cp-confirm"
        />
        <FormError error={mutation.error} />
        <Button type="submit" loading={mutation.isPending} data-testid="cp-submit">
          {t('password.submit')}
        </Button>
      </Stack>
    </form>
  );
}
