import { Anchor, Card, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import type { z } from 'zod';
import type { Dashboard as DashboardSchema, MemoArea, MemoItemView } from '../../../contracts/governance.js';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { CheckCard } from './CheckCard.js';

type Area = z.infer<typeof MemoArea>;
type DashboardView = z.infer<typeof DashboardSchema>;
const AREAS: Area[] = ['user', 'operation', 'security', 'learning', 'cloud'];

/** A memo item no module checks yet: shown, named, and said to be not monitored (it still counts in the figure). */
function UnmonitoredCard({ item }: { item: z.infer<typeof MemoItemView> }) {
  const { t } = useTranslation();
  return (
    <Card withBorder data-testid={`item-${item.memo}`} data-status="unmonitored">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Title order={3} size="h5">
            {item.memo} · {t(`dashboard.items.${item.memo}`)}
          </Title>
          <StatusBadge status="unmonitored" labelKey="dashboard.status.unmonitored" />
        </Group>
        <Text size="sm">{t('dashboard.unmonitoredHint')}</Text>
      </Stack>
    </Card>
  );
}

/** The overall figure: how many of the memo's twenty items are monitored, and how the monitored ones stand. */
function Summary({ summary }: { summary: DashboardView['summary'] }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" data-testid="dashboard-summary" data-monitored={summary.monitored} data-total={summary.total}>
      <Stack gap={4}>
        <Text fw={700}>{t('dashboard.summary.monitored', { monitored: summary.monitored, total: summary.total })}</Text>
        <Text size="sm">
          {t('dashboard.summary.standing', { ok: summary.ok, attention: summary.attention, overdue: summary.overdue })}
          {summary.error > 0 && ` ${t('dashboard.summary.error', { error: summary.error })}`}
        </Text>
        {summary.unmonitored > 0 && <Text size="sm">{t('dashboard.summary.unmonitored', { unmonitored: summary.unmonitored })}</Text>}
      </Stack>
    </Paper>
  );
}

function Dashboard() {
  const { t, i18n } = useTranslation();
  const dashboard = useQuery({ queryKey: ['dashboard'], queryFn: () => api.get<DashboardView>('/api/dashboard') });
  if (dashboard.isPending) return <PageLoader />;
  if (dashboard.isError) return <FormError error={dashboard.error} />;
  const { items, checks, summary, evaluatedAt } = dashboard.data;
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        {t('dashboard.title')}
      </Title>
      <Text size="sm">{t('dashboard.evaluatedAt', { time: formatDateTime(evaluatedAt, i18n.language) })}</Text>
      <Summary summary={summary} />
      {AREAS.map((area) => (
        <section key={area} data-testid={`area-${area}`} aria-labelledby={`area-heading-${area}`}>
          <Title order={2} size="h3" mb="sm" id={`area-heading-${area}`}>
            {t(`dashboard.areas.${area}`)}
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {items
              .filter((item) => item.area === area)
              .flatMap((item) =>
                item.status === 'unmonitored'
                  ? [<UnmonitoredCard key={item.memo} item={item} />]
                  : checks.filter((check) => check.memo === item.memo).map((check) => <CheckCard key={check.key} check={check} />),
              )}
          </SimpleGrid>
        </section>
      ))}
    </Stack>
  );
}

function Welcome() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const name = me ? (i18n.language === 'en' ? me.user.displayNameEn : (me.user.displayNameZh ?? me.user.displayNameEn)) : '';
  return (
    <Stack gap="md" data-testid="welcome">
      <Title order={1} size="h2">
        {t('welcome.title', { name })}
      </Title>
      <Text>{t('welcome.body')}</Text>
      <Anchor component={Link} to="/account">
        {t('nav.account')}
      </Anchor>
    </Stack>
  );
}

export function HomePage() {
  const { data: me } = useMe();
  if (hasPermission(me, 'governance.dashboard.read')) return <Dashboard />;
  // An authority's officers start at their messages (an authority has no dashboard).
  if (hasPermission(me, 'authority.read')) return <Navigate to="/authority/messages" replace />;
  return <Welcome />;
}
