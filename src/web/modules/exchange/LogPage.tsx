import { useState } from 'react';
import { Group, Stack, Table, Text, Title } from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, queryString, type ExchangeLogView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { PageLoader } from '../../components/session.js';
import { detailsText, eventLabel, hongKongToday } from './shared.js';

/**
 * The daily exchange log: everything sent, received, opened, approved or refused on one day. The
 * school and the authority each read their own (`/api/exchange/log`, `/api/authority/log`).
 */
export function ExchangeLogPage({ side }: { side: 'exchange' | 'authority' }) {
  const { t, i18n } = useTranslation();
  const [date, setDate] = useState(hongKongToday);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(date);
  const log = useQuery({
    queryKey: [side, 'log', date],
    queryFn: () => api.get<ExchangeLogView>(`/api/${side}/log${queryString({ date })}`),
    enabled: valid,
    placeholderData: keepPreviousData,
  });
  return (
    <Stack gap="md" data-testid="exchange-log-page">
      <Title order={1} size="h2">
        {t('exchange.log.title')}
      </Title>
      <Text size="sm">{t(side === 'exchange' ? 'exchange.log.explain' : 'exchange.log.explainAuthority')}</Text>
      <Group>
        <DateField label={t('exchange.log.date')} required value={date} onChange={(value) => setDate(value)} data-testid="log-date" />
      </Group>
      {log.isPending ? (
        valid ? (
          <PageLoader />
        ) : null
      ) : log.isError ? (
        <FormError error={log.error} />
      ) : (
        <Table.ScrollContainer minWidth={720} type="native" tabIndex={0} aria-label={t('exchange.log.title')}>
          <Table striped data-testid="log-table" data-date={log.data.date}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('exchange.log.time')}</Table.Th>
                <Table.Th>{t('exchange.log.event')}</Table.Th>
                <Table.Th>{t('exchange.refNo')}</Table.Th>
                <Table.Th>{t('exchange.log.actor')}</Table.Th>
                <Table.Th>{t('exchange.log.details')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.data.entries.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>{t('exchange.log.none')}</Table.Td>
                </Table.Tr>
              )}
              {log.data.entries.map((entry, index) => (
                <Table.Tr key={`${entry.at}-${index}`} data-testid="log-entry" data-event={entry.event}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.at, i18n.language, true)}</Table.Td>
                  <Table.Td>{eventLabel(t, entry.event)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{entry.refNo ?? ''}</Table.Td>
                  <Table.Td>{entry.actor ?? t('exchange.log.system')}</Table.Td>
                  <Table.Td>
                    <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                      {detailsText(entry.details, t, i18n.language)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
