import { useState } from 'react';
import { Alert, Button, Card, Code, CopyButton, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type CalendarFeedView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';

const FEED_KEY = ['exchange', 'calendar-feed'] as const;

/**
 * A personal calendar feed (iCal) of the person's exchange tasks. Its address is a secret: shown
 * once when made, never again; making a new one or revoking it stops the old address.
 */
export function CalendarFeedCard() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [shownUrl, setShownUrl] = useState<string | null>(null);
  const feed = useQuery({ queryKey: FEED_KEY, queryFn: () => api.get<CalendarFeedView>('/api/exchange/calendar-feed') });
  const create = useMutation({
    mutationFn: () => api.post<CalendarFeedView>('/api/exchange/calendar-feed'),
    onSuccess: async (result) => {
      setShownUrl(result.url);
      await queryClient.invalidateQueries({ queryKey: FEED_KEY });
    },
  });
  const revoke = useMutation({
    mutationFn: () => api.del('/api/exchange/calendar-feed'),
    onSuccess: async () => {
      setShownUrl(null);
      await queryClient.invalidateQueries({ queryKey: FEED_KEY });
      showSuccess(t('exchange.feed.revoked'));
    },
  });
  const active = Boolean(feed.data?.createdAt);
  return (
    <Card withBorder data-testid="calendar-feed" data-active={active}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('exchange.feed.title')}
        </Title>
        <Text size="sm">{t('exchange.feed.explain')}</Text>
        {feed.data?.createdAt && (
          <Text size="sm">{t('exchange.feed.since', { time: formatDateTime(feed.data.createdAt, i18n.language) })}</Text>
        )}
        {shownUrl && (
          <Alert color="blue" variant="outline" data-testid="calendar-feed-url-box">
            <Stack gap="xs">
              <Text size="sm" fw={600}>
                {t('exchange.feed.onceOnly')}
              </Text>
              <Code block data-testid="calendar-feed-url" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
                {shownUrl}
              </Code>
              <Group>
                <CopyButton value={shownUrl}>
                  {({ copied, copy }) => (
                    <Button variant="default" onClick={copy} data-testid="calendar-feed-copy">
                      {copied ? t('exchange.feed.copied') : t('exchange.feed.copy')}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Stack>
          </Alert>
        )}
        <FormError error={feed.error ?? create.error ?? revoke.error} testId="calendar-feed-error" />
        <Group>
          <Button
            variant={active ? 'default' : 'filled'}
            loading={create.isPending}
            onClick={() => create.mutate()}
            data-testid="calendar-feed-create"
          >
            {active ? t('exchange.feed.replace') : t('exchange.feed.create')}
          </Button>
          {active && (
            <Button
              variant="outline"
              color="red.9"
              loading={revoke.isPending}
              onClick={() => revoke.mutate()}
              data-testid="calendar-feed-revoke"
            >
              {t('exchange.feed.revoke')}
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
