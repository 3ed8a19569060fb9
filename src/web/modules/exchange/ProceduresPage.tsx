import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ExchangePerson, type ProcedureItem } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { proceduresQuery } from './AssignForm.js';

function CompleteBadge({ complete }: { complete: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={complete ? '#1e6b30' : 'yellow.4'}
      variant="filled"
      autoContrast
      style={{ maxWidth: 'none', flexShrink: 0 }}
      data-testid="procedure-complete"
      data-complete={complete}
    >
      {complete ? t('exchange.procedures.complete') : t('exchange.procedures.incomplete')}
    </Badge>
  );
}

/** One category's procedure: who prepares, who stands in, who checks, and how early inside the school. */
function ProcedureCard({ procedure, people, canManage }: { procedure: ProcedureItem; people: ExchangePerson[]; canManage: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [ownerId, setOwnerId] = useState<string | null>(procedure.owner?.id ?? null);
  const [backupId, setBackupId] = useState<string | null>(procedure.backup?.id ?? null);
  const [checkerId, setCheckerId] = useState<string | null>(procedure.checker?.id ?? null);
  const [leadDays, setLeadDays] = useState<number | string>(procedure.leadDays);
  const [notes, setNotes] = useState(procedure.notes ?? '');
  const save = useMutation({
    mutationFn: () =>
      api.put(`/api/exchange/procedures/${procedure.category}`, {
        ownerId,
        backupId,
        checkerId,
        leadDays: typeof leadDays === 'number' ? leadDays : Number(leadDays) || 0,
        notes: notes.trim() ? notes.trim() : null,
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exchange', 'procedures'] });
      showSuccess(t('exchange.procedures.saved', { category: t(`exchange.categories.${procedure.category}`) }));
    },
  });
  const preparers = people.filter((p) => p.canPrepare).map((p) => ({ value: p.id, label: p.name }));
  const checkers = people.filter((p) => p.canApprove).map((p) => ({ value: p.id, label: p.name }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const select = (name: string) => ({
    searchable: true,
    clearable: true,
    disabled: !canManage,
    comboboxProps: { withinPortal: false },
    'data-testid': `procedure-${name}`,
  });
  return (
    <Card withBorder data-testid="procedure" data-category={procedure.category} data-complete={procedure.complete}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Title order={2} size="h4">
              {t(`exchange.categories.${procedure.category}`)}
            </Title>
            <CompleteBadge complete={procedure.complete} />
          </Group>
          <Select label={t('exchange.owner')} data={preparers} value={ownerId} onChange={setOwnerId} {...select('owner')} />
          <Select
            label={t('exchange.backup')}
            data={preparers.filter((p) => p.value !== ownerId)}
            value={backupId}
            onChange={setBackupId}
            {...select('backup')}
          />
          <Select
            label={t('exchange.checker')}
            description={t('exchange.assign.checkerHint')}
            data={checkers.filter((p) => p.value !== ownerId)}
            value={checkerId}
            onChange={setCheckerId}
            {...select('checker')}
          />
          <NumberInput
            label={t('exchange.procedures.leadDays')}
            description={t('exchange.procedures.leadDaysHint')}
            min={0}
            max={60}
            allowDecimal={false}
            value={leadDays}
            onChange={setLeadDays}
            disabled={!canManage}
            data-testid="procedure-lead-days"
          />
          <Textarea
            label={t('exchange.procedures.notes')}
            autosize
            minRows={2}
            maxLength={2000}
            value={notes}
            onChange={(e) => setNotes(e.currentTarget.value)}
            disabled={!canManage}
            data-testid="procedure-notes"
          />
          <FormError error={save.error} testId="procedure-error" />
          {canManage && (
            <Group>
              <Button type="submit" loading={save.isPending} data-testid="procedure-save">
                {t('common.save')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}

function ReviewModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const review = useMutation({
    mutationFn: () => api.post('/api/exchange/procedures/review'),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exchange', 'procedures'] });
      await queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      showSuccess(t('exchange.procedures.reviewed'));
      onClose();
    },
  });
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened onClose={onClose} title={t('exchange.procedures.reviewTitle')}>
      <Stack gap="sm">
        <Text size="sm">{t('exchange.procedures.reviewExplain')}</Text>
        <FormError error={review.error} testId="procedures-review-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={review.isPending} onClick={() => review.mutate()} data-testid="procedures-review-confirm">
            {t('exchange.procedures.review')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Who handles each kind of authority message, set once and reviewed every year (memo O1). */
export function ProceduresPage() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const [reviewing, setReviewing] = useState(false);
  const list = useQuery(proceduresQuery);
  if (list.isPending) return <PageLoader />;
  if (!list.data) return <FormError error={list.error} />;
  const canManage = hasPermission(me, 'exchange.manage');
  const complete = list.data.procedures.filter((p) => p.complete).length;
  return (
    <Stack gap="md" data-testid="procedures-page">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('exchange.procedures.title')}
        </Title>
        {canManage && (
          <Button onClick={() => setReviewing(true)} data-testid="procedures-review">
            {t('exchange.procedures.review')}
          </Button>
        )}
      </Group>
      <Text size="sm">{t('exchange.procedures.explain')}</Text>
      <Alert
        color={list.data.reviewedAt ? 'blue' : 'yellow.4'}
        variant="outline"
        data-testid="procedures-reviewed"
        data-reviewed={Boolean(list.data.reviewedAt)}
      >
        <Stack gap={2}>
          <Text size="sm">{t('exchange.procedures.completeCount', { complete, total: list.data.procedures.length })}</Text>
          <Text size="sm">
            {list.data.reviewedAt
              ? t('exchange.procedures.lastReviewed', {
                  time: formatDateTime(list.data.reviewedAt, i18n.language),
                  name: list.data.reviewedBy ?? '',
                })
              : t('exchange.procedures.neverReviewed')}
          </Text>
        </Stack>
      </Alert>
      {list.data.people.length === 0 && <Text size="sm">{t('exchange.procedures.noPeople')}</Text>}
      <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }}>
        {list.data.procedures.map((procedure) => (
          <ProcedureCard
            key={`${procedure.category}-${procedure.owner?.id ?? ''}-${procedure.backup?.id ?? ''}-${procedure.checker?.id ?? ''}-${procedure.leadDays}`}
            procedure={procedure}
            people={list.data.people}
            canManage={canManage}
          />
        ))}
      </SimpleGrid>
      {reviewing && <ReviewModal onClose={() => setReviewing(false)} />}
    </Stack>
  );
}
