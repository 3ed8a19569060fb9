import { Alert, Anchor, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { FindingsSection } from './FindingsSection.js';
import { PostureChart } from './PostureChart.js';
import { RoutineSection } from './RoutineSection.js';
import { type CheckRun, FINDINGS_KEY, type FindingListView, POSTURE_KEY } from './securityShared.js';

function LastRun({ run }: { run: CheckRun | null }) {
  const { t, i18n } = useTranslation();
  if (!run)
    return (
      <Text size="sm" data-testid="last-run">
        {t('securityCentre.neverRun')}
      </Text>
    );
  return (
    <Stack gap={4}>
      <Text size="sm" data-testid="last-run">
        {t('securityCentre.lastRun', {
          at: formatDateTime(run.at, i18n.language),
          trigger: t(`securityCentre.trigger.${run.trigger}`),
          ms: run.tookMs,
        })}
        {' · '}
        <span data-testid="open-counts">{t('securityCentre.openCounts', run.open)}</span>
      </Text>
      {run.failed.length > 0 && (
        <Alert color="red" variant="outline" data-testid="failed-checks">
          <Text size="sm">
            {t('securityCentre.failedChecks', { checks: run.failed.map((k) => t(`securityCentre.checks.${k}`)).join('、') })}
          </Text>
        </Alert>
      )}
      {run.unmonitored.map((u) => (
        <Text size="sm" key={u} c="dimmed" data-testid={`unmonitored-${u}`}>
          {t(`securityCentre.unmonitored.${u}`)}
        </Text>
      ))}
    </Stack>
  );
}

/** Memo S2's security centre: the checks' findings, the posture over time, the routine, and the way to the key and privileged accounts. */
export function SecurityCentrePage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const queryClient = useQueryClient();
  const canManage = hasPermission(me, 'security.manage');
  const summary = useQuery({
    queryKey: [...FINDINGS_KEY, 'summary'],
    queryFn: () => api.get<FindingListView>('/api/security/findings?status=open&severity=high'),
  });
  const run = useMutation({
    mutationFn: () => api.post<CheckRun>('/api/security/checks/run', {}),
    onSuccess: async (r) => {
      await queryClient.invalidateQueries({ queryKey: FINDINGS_KEY });
      await queryClient.invalidateQueries({ queryKey: POSTURE_KEY });
      showSuccess(t('securityCentre.ran', { new: r.newFindings, fixed: r.fixedFindings }));
    },
  });
  if (summary.isPending) return <PageLoader />;
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        {t('securityCentre.title')}
      </Title>
      <Text size="sm">{t('securityCentre.explain')}</Text>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <LastRun run={summary.data?.lastRun ?? null} />
        {canManage && (
          <Button onClick={() => run.mutate()} loading={run.isPending} data-testid="run-checks">
            {t('securityCentre.runNow')}
          </Button>
        )}
      </Group>
      <FormError error={summary.error ?? run.error} />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {(['key', 'accounts'] as const).map((card) => (
          <Card withBorder key={card} data-testid={`card-${card}`}>
            <Title order={2} size="h5">
              {t(`securityCentre.cards.${card}.title`)}
            </Title>
            <Text size="sm">{t(`securityCentre.cards.${card}.text`)}</Text>
            <Anchor component={Link} to={`/security/${card}`} size="sm" fw={700}>
              {t(`securityCentre.cards.${card}.open`)}
            </Anchor>
          </Card>
        ))}
      </SimpleGrid>
      <FindingsSection canManage={canManage} />
      <PostureChart />
      <RoutineSection canManage={canManage} />
    </Stack>
  );
}
