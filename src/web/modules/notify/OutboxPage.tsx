import { Accordion, Badge, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type OutboxPageView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { PageLoader } from '../../components/session.js';

const STATUS_COLOURS: Record<string, string> = { queued: 'blue.9', sent: '#1e6b30', failed: 'red.9', held: 'yellow.4' };

export function OutboxPage() {
  const { t, i18n } = useTranslation();
  const outbox = useQuery({ queryKey: ['outbox'], queryFn: () => api.get<OutboxPageView>('/api/outbox') });
  if (outbox.isPending) return <PageLoader />;
  return (
    <Stack gap="md" data-testid="outbox-page">
      <Title order={1} size="h2">
        {t('outbox.title')}
      </Title>
      <Text size="sm">{t('outbox.explain')}</Text>
      <FormError error={outbox.error} />
      {outbox.data?.entries.length === 0 && <Text>{t('outbox.none')}</Text>}
      {outbox.data && outbox.data.entries.length > 0 && (
        <Accordion variant="separated" data-testid="outbox-list">
          {outbox.data.entries.map((mail) => (
            <Accordion.Item key={mail.id} value={mail.id} data-testid="outbox-entry">
              <Accordion.Control>
                <Group justify="space-between" wrap="wrap" gap="xs">
                  <Stack gap={0}>
                    <Text fw={700}>{mail.subject}</Text>
                    <Text size="sm">
                      {t('outbox.to')}: {mail.to} · {formatDateTime(mail.createdAt, i18n.language)}
                    </Text>
                  </Stack>
                  <Badge color={STATUS_COLOURS[mail.status] ?? 'gray.7'} autoContrast>
                    {t(`outbox.status.${mail.status}`)}
                  </Badge>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="outbox-body">
                  {mail.body}
                </Text>
                {mail.sentAt && <Text size="sm">{t('outbox.sentAt', { time: formatDateTime(mail.sentAt, i18n.language) })}</Text>}
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </Stack>
  );
}
