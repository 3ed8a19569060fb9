import { useState, type FormEvent } from 'react';
import { Button, Card, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type InboxDetailView, type ProcedureListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { PageLoader } from '../../components/session.js';
import { hongKongParts } from './shared.js';

export const proceduresQuery = {
  queryKey: ['exchange', 'procedures'] as const,
  queryFn: () => api.get<ProcedureListView>('/api/exchange/procedures'),
};

/** Who prepares, who stands in and who checks one message, and by when inside the school. */
export function AssignForm({ item }: { item: InboxDetailView }) {
  const procedures = useQuery(proceduresQuery);
  if (procedures.isPending) return <PageLoader />;
  if (!procedures.data) return <FormError error={procedures.error} testId="assign-error" />;
  return <AssignFields key={`${item.id}-${item.owner?.id ?? ''}`} item={item} procedures={procedures.data} />;
}

function AssignFields({ item, procedures }: { item: InboxDetailView; procedures: ProcedureListView }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const procedure = procedures.procedures.find((p) => p.category === item.category);
  // An unassigned message starts from its category's procedure; an assigned one from its task.
  const fromProcedure = !item.owner && Boolean(procedure?.owner);
  const [owner, setOwner] = useState<string | null>(item.owner?.id ?? procedure?.owner?.id ?? null);
  const [backup, setBackup] = useState<string | null>(item.owner ? (item.backup?.id ?? null) : (procedure?.backup?.id ?? null));
  const [checker, setChecker] = useState<string | null>(item.owner ? (item.checker?.id ?? null) : (procedure?.checker?.id ?? null));
  const due = hongKongParts(item.internalDue);
  const [dueDate, setDueDate] = useState(due.date);
  const [dueTime, setDueTime] = useState(due.time);
  const internalDue = `${dueDate}T${dueTime}`;
  const people = procedures.people;
  const preparers = people.filter((p) => p.canPrepare).map((p) => ({ value: p.id, label: p.name }));
  const checkers = people.filter((p) => p.canApprove).map((p) => ({ value: p.id, label: p.name }));
  const closed = item.status === 'submitted' || item.status === 'done';

  const assign = useMutation({
    mutationFn: () =>
      api.put(`/api/exchange/inbox/${item.id}/assign`, {
        ownerId: owner,
        backupId: backup,
        checkerId: checker,
        ...(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(internalDue) ? { internalDue: `${internalDue}:00+08:00` } : {}),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exchange'] });
      showSuccess(t('exchange.assign.saved'));
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (owner) assign.mutate();
  };
  return (
    <Card withBorder data-testid="assign-form">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('exchange.assign.title')}
          </Title>
          {fromProcedure && <Text size="sm">{t('exchange.assign.fromProcedure')}</Text>}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label={t('exchange.owner')}
              required
              searchable
              data={preparers}
              value={owner}
              onChange={setOwner}
              disabled={closed}
              comboboxProps={{ withinPortal: false }}
              data-testid="assign-owner"
            />
            <Select
              label={t('exchange.backup')}
              searchable
              clearable
              data={preparers.filter((p) => p.value !== owner)}
              value={backup}
              onChange={setBackup}
              disabled={closed}
              comboboxProps={{ withinPortal: false }}
              data-testid="assign-backup"
            />
            <Select
              label={t('exchange.checker')}
              description={t('exchange.assign.checkerHint')}
              searchable
              clearable
              data={checkers.filter((p) => p.value !== owner)}
              value={checker}
              onChange={setChecker}
              disabled={closed}
              comboboxProps={{ withinPortal: false }}
              data-testid="assign-checker"
            />
            <DateField
              label={t('exchange.internalDue')}
              description={t('exchange.assign.dueHint')}
              value={dueDate}
              onChange={setDueDate}
              disabled={closed}
              data-testid="assign-due"
            />
            <TextInput
              label={t('exchange.assign.dueTime')}
              type="time"
              value={dueTime}
              onChange={(e) => setDueTime(e.currentTarget.value)}
              disabled={closed}
              data-testid="assign-due-time"
            />
          </SimpleGrid>
          <FormError error={assign.error} testId="assign-error" />
          <Group>
            <Button type="submit" disabled={!owner || closed} loading={assign.isPending} data-testid="assign-submit">
              {t('exchange.assign.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
