import { Anchor, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import type { z } from 'zod';
import type { MemoArea } from '../../../contracts/governance.js';
import { api, type Check, type DashboardView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';

type Area = z.infer<typeof MemoArea>;
const AREAS: Area[] = ['user', 'operation', 'security', 'learning', 'cloud'];

/** A check may word a part itself in both languages (`missingEn`, `missingZh`): the reader's language gives `missing`. */
function inLanguage(params: Check['params'], language: string): Check['params'] {
  const suffix = language.startsWith('zh') ? 'Zh' : 'En';
  const out = { ...params };
  for (const [key, value] of Object.entries(params)) if (key.endsWith(suffix)) out[key.slice(0, -suffix.length)] = value;
  return out;
}

function CheckCard({ check }: { check: Check }) {
  const { t, i18n } = useTranslation();
  const title = t(`checkTitles.${check.key.replaceAll('.', '_')}`, { defaultValue: check.key });
  return (
    <Card withBorder data-testid={`check-${check.key}`} data-status={check.status}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Title order={3} size="h5">
            {check.memo} · {title}
          </Title>
          <StatusBadge status={check.status} labelKey={`dashboard.status.${check.status}`} />
        </Group>
        <Text size="sm">{t(check.summaryKey, { ...inLanguage(check.params, i18n.language), defaultValue: check.summaryKey })}</Text>
        {check.evidence.length > 0 && (
          <List size="sm" spacing={2}>
            {check.evidence.map((line, index) => (
              <List.Item key={`${index}-${line}`}>{line}</List.Item>
            ))}
          </List>
        )}
        {check.due && <Text size="sm">{t('dashboard.due', { date: formatDate(check.due, i18n.language) })}</Text>}
        {check.status !== 'ok' && (
          <Text size="sm" data-testid="check-owner">
            {check.owner.people.length > 0
              ? t('dashboard.owner', { people: check.owner.people.join('、') })
              : t('dashboard.ownerNobody', { right: t(`permissionLabels.${check.owner.permission.replaceAll('.', '_')}`) })}
          </Text>
        )}
        {check.link && (
          <Anchor component={Link} to={check.link} size="sm" fw={700}>
            {t('dashboard.act')}
          </Anchor>
        )}
      </Stack>
    </Card>
  );
}

function Dashboard() {
  const { t, i18n } = useTranslation();
  const dashboard = useQuery({ queryKey: ['dashboard'], queryFn: () => api.get<DashboardView>('/api/dashboard') });
  if (dashboard.isPending) return <PageLoader />;
  if (dashboard.isError) return <FormError error={dashboard.error} />;
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        {t('dashboard.title')}
      </Title>
      <Text size="sm">{t('dashboard.evaluatedAt', { time: formatDateTime(dashboard.data.evaluatedAt, i18n.language) })}</Text>
      {AREAS.map((area) => {
        const checks = dashboard.data.checks.filter((check) => check.area === area);
        return (
          <section key={area} data-testid={`area-${area}`} aria-labelledby={`area-heading-${area}`}>
            <Title order={2} size="h3" mb="sm" id={`area-heading-${area}`}>
              {t(`dashboard.areas.${area}`)}
            </Title>
            {checks.length === 0 ? (
              <Text size="sm">{t('dashboard.noChecks')}</Text>
            ) : (
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                {checks.map((check) => (
                  <CheckCard key={check.key} check={check} />
                ))}
              </SimpleGrid>
            )}
          </section>
        );
      })}
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
