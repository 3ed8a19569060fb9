import { useState } from 'react';
import { Alert, Button, Group, List, Modal, Progress, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { showSuccess } from '../../components/notify.js';
import { type Migration, PLAN_KEY, PREVIEW_KEY, ROLLOVER, type RolloverPlan, RolloverError, type Undo } from './rolloverShared.js';

type Confirming = 'migrate' | 'undo' | 'reset' | null;

/** Dry run, migrate (typing the year's code), undo and reset, each with progress while the server works. */
export function RolloverMigrate({ plan, canManage, canMigrate }: { plan: RolloverPlan; canManage: boolean; canMigrate: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [typed, setTyped] = useState('');
  const [result, setResult] = useState<Migration | null>(null);
  const refresh = () =>
    Promise.all(
      [PLAN_KEY, PREVIEW_KEY, ['school-years'], ['school-classes'], ['students']].map((queryKey) =>
        queryClient.invalidateQueries({ queryKey }),
      ),
    );
  const dry = useMutation({ mutationFn: () => api.post<Migration>(`${ROLLOVER}/dry-run`, {}), onSuccess: setResult });
  const migrate = useMutation({
    mutationFn: () => api.post<Migration>(`${ROLLOVER}/migrate`, { confirm: typed.trim() }),
    onSuccess: async (r) => {
      setResult(r);
      setConfirming(null);
      showSuccess(t('rollover.migrate.done', { code: r.toYearCode }));
      await refresh();
    },
  });
  const undo = useMutation({
    mutationFn: () => api.post<Undo>(`${ROLLOVER}/undo`, {}),
    onSuccess: async () => {
      setResult(null);
      setConfirming(null);
      showSuccess(t('rollover.undo.done'));
      await refresh();
    },
  });
  const reset = useMutation({
    mutationFn: () => api.del(ROLLOVER),
    onSuccess: async () => {
      setConfirming(null);
      await refresh();
    },
  });
  const busy = dry.isPending || migrate.isPending || undo.isPending || reset.isPending;
  const draft = plan.status === 'draft';
  const close = () => {
    setConfirming(null);
    setTyped('');
  };
  return (
    <Stack gap="md">
      {draft && (
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{t('rollover.dryRun.hint')}</Text>
          <Group>
            {canManage && (
              <Button variant="default" loading={dry.isPending} disabled={busy} onClick={() => dry.mutate()} data-testid="rollover-dry-run">
                {t('rollover.dryRun.button')}
              </Button>
            )}
            {canMigrate && (
              <Button disabled={busy} onClick={() => setConfirming('migrate')} data-testid="rollover-migrate">
                {t('rollover.migrate.button', { code: plan.toYear.code })}
              </Button>
            )}
            {canManage && (
              <Button variant="subtle" color="red" disabled={busy} onClick={() => setConfirming('reset')} data-testid="rollover-reset">
                {t('rollover.reset.button')}
              </Button>
            )}
          </Group>
        </Stack>
      )}
      {!draft && canMigrate && (
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{t('rollover.undo.hint')}</Text>
          <Button variant="default" color="red" disabled={busy} onClick={() => setConfirming('undo')} data-testid="rollover-undo">
            {t('rollover.undo.button')}
          </Button>
        </Stack>
      )}
      {busy && (
        <Stack gap={4} data-testid="rollover-progress">
          <Text size="sm" aria-live="polite">
            {t('rollover.working')}
          </Text>
          <Progress value={100} striped animated aria-label={t('rollover.working')} />
        </Stack>
      )}
      <RolloverError error={dry.error ?? (confirming ? null : (migrate.error ?? undo.error))} testId="rollover-migrate-error" />
      {result && (
        <Alert color={result.dryRun ? 'blue' : 'green'} variant="light" data-testid="rollover-result" data-dry-run={String(result.dryRun)}>
          <Text size="sm">{t('rollover.dryRun.result')}</Text>
          <List size="sm">
            {(['years', 'classes', 'classSubjects', 'placements', 'leavers'] as const).map((k) => (
              <List.Item key={k} data-testid={`rollover-written-${k}`}>
                {t(`rollover.dryRun.${k}`)}: {result.written[k]}
              </List.Item>
            ))}
          </List>
          {result.dryRun && <Text size="sm">{t('rollover.dryRun.took', { seconds: (result.tookMs / 1000).toFixed(1) })}</Text>}
        </Alert>
      )}
      <Modal
        opened={confirming !== null}
        onClose={close}
        title={t('rollover.migrate.confirmTitle')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <Stack gap="sm">
          {confirming === 'migrate' && (
            <>
              <Text size="sm">{t('rollover.migrate.confirmText', { code: plan.toYear.code, from: plan.fromYear.code })}</Text>
              <TextInput
                label={t('rollover.migrate.typeCode')}
                value={typed}
                onChange={(e) => setTyped(e.currentTarget.value)}
                data-testid="rollover-confirm-code"
              />
              <RolloverError error={migrate.error} testId="rollover-confirm-error" />
              <Button
                loading={migrate.isPending}
                disabled={typed.trim() !== plan.toYear.code}
                onClick={() => migrate.mutate()}
                data-testid="rollover-confirm-migrate"
              >
                {t('rollover.migrate.confirm')}
              </Button>
            </>
          )}
          {confirming === 'undo' && (
            <>
              <Text size="sm">{t('rollover.undo.confirmText', { from: plan.fromYear.code })}</Text>
              <RolloverError error={undo.error} testId="rollover-undo-error" />
              <Button color="red" loading={undo.isPending} onClick={() => undo.mutate()} data-testid="rollover-confirm-undo">
                {t('rollover.undo.button')}
              </Button>
            </>
          )}
          {confirming === 'reset' && (
            <>
              <Text size="sm">{t('rollover.reset.confirmText')}</Text>
              <RolloverError error={reset.error} />
              <Button color="red" loading={reset.isPending} onClick={() => reset.mutate()} data-testid="rollover-confirm-reset">
                {t('rollover.reset.button')}
              </Button>
            </>
          )}
          <Button variant="default" onClick={close}>
            {t('rollover.migrate.cancel')}
          </Button>
        </Stack>
      </Modal>
    </Stack>
  );
}
