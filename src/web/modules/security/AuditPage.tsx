import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Button, Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, queryString, type AuditCheckpointInfo, type AuditPageView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime, hongKongDayBoundary } from '../../components/format.js';
import { PageLoader } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';

interface AuditFilters {
  actor: string;
  action: string;
  from: string;
  to: string;
}
const NO_FILTERS: AuditFilters = { actor: '', action: '', from: '', to: '' };
const PAGE_SIZE = 50;

/** A person by name; the system as "System", with the scheduled job that acted when there was one (`system:<job>`). */
function actorLabel(t: TFunction, actorName: string | null): string {
  if (actorName === null) return t('audit.system');
  if (!actorName.startsWith('system:')) return actorName;
  const job = actorName.slice('system:'.length);
  return t('audit.systemJob', { job: t(`auditJobs.${job.replaceAll('.', '_')}`, { defaultValue: t('audit.system') }) });
}

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<AuditFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [before, setBefore] = useState<number | undefined>(undefined);

  const page = useQuery({
    queryKey: ['audit', filters, before],
    queryFn: () =>
      api.get<AuditPageView>(
        `/api/audit${queryString({
          actor: filters.actor.trim(),
          action: filters.action.trim(),
          from: filters.from ? hongKongDayBoundary(filters.from, false) : undefined,
          to: filters.to ? hongKongDayBoundary(filters.to, true) : undefined,
          before,
          limit: PAGE_SIZE,
        })}`,
      ),
    placeholderData: keepPreviousData,
  });
  const checkpoint = useQuery({ queryKey: ['audit-checkpoint'], queryFn: () => api.get<AuditCheckpointInfo>('/api/audit/checkpoint') });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setBefore(undefined);
  };
  const setValue = (name: keyof AuditFilters) => (value: string) => setDraft((previous) => ({ ...previous, [name]: value }));
  const set = (name: keyof AuditFilters) => (e: ChangeEvent<HTMLInputElement>) => setValue(name)(e.currentTarget.value);

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('audit.title')}
      </Title>
      {checkpoint.data && (
        <Text size="sm" c="dimmed" data-testid="audit-checkpoint">
          {checkpoint.data.at && checkpoint.data.seq !== null
            ? t('audit.checkpoint', { time: formatDateTime(checkpoint.data.at, i18n.language), seq: checkpoint.data.seq })
            : t('audit.noCheckpoint')}
        </Text>
      )}
      <form onSubmit={apply} noValidate>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
            <TextInput
              label={t('audit.actor')}
              value={draft.actor}
              onChange={set('actor')}
              autoCapitalize="none"
              data-testid="audit-filter-actor"
            />
            <TextInput
              label={t('audit.action')}
              description={t('audit.actionHint')}
              value={draft.action}
              onChange={set('action')}
              autoCapitalize="none"
              data-testid="audit-filter-action"
            />
            <DateField label={t('audit.from')} value={draft.from} onChange={setValue('from')} data-testid="audit-filter-from" />
            <DateField label={t('audit.to')} value={draft.to} onChange={setValue('to')} data-testid="audit-filter-to" />
          </SimpleGrid>
          <Group>
            <Button type="submit" data-testid="audit-filter-apply">
              {t('audit.apply')}
            </Button>
          </Group>
        </Stack>
      </form>
      {page.isPending ? (
        <PageLoader />
      ) : page.isError ? (
        <FormError error={page.error} />
      ) : (
        <>
          <Table.ScrollContainer minWidth={720} type="native" tabIndex={0}>
            <Table striped data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('audit.time')}</Table.Th>
                  <Table.Th>{t('audit.person')}</Table.Th>
                  <Table.Th>{t('audit.actionColumn')}</Table.Th>
                  <Table.Th>{t('audit.target')}</Table.Th>
                  <Table.Th>{t('audit.address')}</Table.Th>
                  <Table.Th>{t('audit.outcome')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.data.entries.map((entry) => (
                  <Table.Tr key={entry.seq} data-testid="audit-row" data-action={entry.action}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.occurredAt, i18n.language, true)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{actorLabel(t, entry.actorName)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {t(`auditActions.${entry.action.replaceAll('.', '_')}`, { defaultValue: entry.action })}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }} title={entry.target ?? ''}>
                      {shortTarget(entry.target)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{entry.ip ?? ''}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={entry.outcome} labelKey={`audit.outcomes.${entry.outcome}`} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {page.data.entries.length === 0 && <Text>{t('audit.none')}</Text>}
          <Group>
            <Button variant="default" disabled={before === undefined} onClick={() => setBefore(undefined)} data-testid="audit-newest">
              {t('audit.newest')}
            </Button>
            <Button
              variant="default"
              disabled={page.data.nextBefore === null || page.isPlaceholderData}
              onClick={() => setBefore(page.data.nextBefore ?? undefined)}
              data-testid="audit-older"
            >
              {t('audit.older')}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}

/** `user:1b2c3d4e-…` → `user:1b2c3d4e…`: the full id stays in the cell's title. */
function shortTarget(target: string | null): string {
  if (!target) return '';
  return target.replace(/([0-9a-f]{8})-[0-9a-f-]{27}/g, '$1…');
}
