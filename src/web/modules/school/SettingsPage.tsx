import { useState, type FormEvent } from 'react';
import { Button, NumberInput, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type SchoolSettingsView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { PageLoader } from '../../components/session.js';

function SettingsForm({ initial }: { initial: SchoolSettingsView }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [privilegedLimit, setLimit] = useState<number>(initial.privilegedLimit);
  const save = useMutation({
    mutationFn: () => api.put('/api/admin/settings', { privilegedLimit }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['settings'] });
      await queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      notifications.show({ color: 'green', message: t('common.saved') });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={420}>
        <NumberInput
          label={t('settings.privilegedLimit')}
          description={t('settings.privilegedLimitHint')}
          min={1}
          max={20}
          step={1}
          allowDecimal={false}
          value={privilegedLimit}
          onChange={(value) => setLimit(typeof value === 'number' ? value : Number(value))}
          data-testid="settings-privileged-limit"
        />
        <FormError error={save.error} />
        <Button type="submit" loading={save.isPending} data-testid="settings-submit">
          {t('common.save')}
        </Button>
      </Stack>
    </form>
  );
}

export function SettingsPage() {
  const { t } = useTranslation();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => api.get<SchoolSettingsView>('/api/admin/settings') });
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('settings.title')}
      </Title>
      <Text size="sm">{t('settings.explain')}</Text>
      {settings.isPending ? (
        <PageLoader />
      ) : settings.isError ? (
        <FormError error={settings.error} />
      ) : (
        <SettingsForm initial={settings.data} />
      )}
    </Stack>
  );
}
