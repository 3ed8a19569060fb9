import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Button, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { AUDIT_ACTIONS } from '../../../contracts/audit.js';
import { auditActionLabel, auditTargetLabel, personName, roleLabel } from '../../components/labels.js';
import { DateField } from '../../components/DateField.js';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, queryString, type AuditCheckpointInfo, type AuditPageView, type AuditRecord } from '../../api.js';
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
  // Every action the log records, by its words (sorted as the reader reads them), never `auth.login`.
  const actionOptions = AUDIT_ACTIONS.filter((a) => a !== 'test.event')
    .map((a) => ({ value: a, label: auditActionLabel(t, a) }))
    .sort((a, b) => a.label.localeCompare(b.label, i18n.language));
  const toPerson = (n: { en: string; zh: string | null }) => ({ displayNameEn: n.en, displayNameZh: n.zh });
  const targetText = (n: AuditRecord['targetName']) =>
    n
      ? n.roleKey !== null
        ? roleLabel(t, { key: n.roleKey, nameZh: n.zh ?? n.en, nameEn: n.en }, i18n.language)
        : personName(i18n.language, toPerson(n))
      : null;
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
            <Select
              label={t('audit.action')}
              placeholder={t('labels.auditFilter.all')}
              searchable
              clearable
              data={actionOptions}
              value={draft.action || null}
              onChange={(value) => setValue('action')(value ?? '')}
              nothingFoundMessage={t('audit.none')}
              comboboxProps={{ withinPortal: false }}
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
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {entry.actorDisplay ? personName(i18n.language, toPerson(entry.actorDisplay)) : actorLabel(t, entry.actorName)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{auditActionLabel(t, entry.action)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="audit-target">
                      {auditTargetLabel(t, entry.target, targetText(entry.targetName))}
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
