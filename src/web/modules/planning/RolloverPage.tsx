import { Alert, Badge, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { formatDate } from '../../components/format.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { RolloverClasses } from './RolloverClasses.js';
import { RolloverDecisions } from './RolloverDecisions.js';
import { RolloverIntake } from './RolloverIntake.js';
import { RolloverMigrate } from './RolloverMigrate.js';
import { RolloverNumbers, RolloverPreview } from './RolloverPreview.js';
import { PLAN_KEY, planQuery, ROLLOVER, RolloverError } from './rolloverShared.js';

/** Memo O3: plan the new school year, preview it, try a dry run, migrate, and undo (route /planning/rollover). */
export function RolloverPage() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const queryClient = useQueryClient();
  const plan = useQuery(planQuery);
  const canManage = hasPermission(me, 'planning.manage');
  const canMigrate = hasPermission(me, 'planning.migrate');
  const start = useMutation({
    mutationFn: () => api.post(ROLLOVER, {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: PLAN_KEY }),
  });
  if (plan.isPending) return <PageLoader />;
  const p = plan.data?.plan ?? null;
  const draft = p?.status === 'draft';
  return (
    <Stack gap="md" data-testid="rollover-page">
      <Title order={2}>{t('rollover.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('rollover.intro')}
      </Text>
      <RolloverError error={plan.error ?? start.error} />
      {!p ? (
        <Stack gap="sm" align="flex-start">
          <Text data-testid="rollover-none">{t('rollover.noPlan')}</Text>
          {canManage && (
            <Button loading={start.isPending} onClick={() => start.mutate()} data-testid="rollover-start">
              {t('rollover.start')}
            </Button>
          )}
        </Stack>
      ) : (
        <>
          <Group gap="sm">
            <Text fw={700} data-testid="rollover-summary">
              {t('rollover.summary', { from: p.fromYear.code, to: p.toYear.code, date: formatDate(p.toYear.startsOn, i18n.language) })}
            </Text>
            <Badge color={draft ? 'blue' : 'green'} data-testid="rollover-status" data-status={p.status}>
              {t(`rollover.status.${p.status}`)}
            </Badge>
          </Group>
          {p.migratedAt && (
            <Alert color="green" variant="light">
              {t('rollover.migratedOn', { date: formatDate(p.migratedAt, i18n.language) })}
            </Alert>
          )}
          {!canManage && <Text size="sm">{t('rollover.readOnly')}</Text>}
          <Tabs defaultValue={draft ? 'classes' : 'migrate'} keepMounted={false}>
            <Tabs.List>
              {(['classes', 'decisions', 'intake', 'numbers', 'preview', 'migrate'] as const).map((tab) => (
                <Tabs.Tab key={tab} value={tab} data-testid={`rollover-tab-${tab}`}>
                  {t(`rollover.tabs.${tab}`)}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            <Tabs.Panel value="classes" pt="md">
              <RolloverClasses plan={p} editable={draft && canManage} />
            </Tabs.Panel>
            <Tabs.Panel value="decisions" pt="md">
              <RolloverDecisions plan={p} editable={draft && canManage} />
            </Tabs.Panel>
            <Tabs.Panel value="intake" pt="md">
              <RolloverIntake editable={draft && canManage} />
            </Tabs.Panel>
            <Tabs.Panel value="numbers" pt="md">
              <RolloverNumbers plan={p} editable={draft && canManage} />
            </Tabs.Panel>
            <Tabs.Panel value="preview" pt="md">
              <RolloverPreview />
            </Tabs.Panel>
            <Tabs.Panel value="migrate" pt="md">
              <RolloverMigrate plan={p} canManage={canManage} canMigrate={canMigrate} />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Stack>
  );
}
