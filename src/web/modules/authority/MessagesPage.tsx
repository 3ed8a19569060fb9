import { Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type MessageListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { PriorityBadge, titleOf } from '../exchange/shared.js';
import { CountBars } from './CountBars.js';
import { VerifyCard } from './VerifyCard.js';

/** The authority's published messages, newest first, with how far the schools have got. */
export function MessagesPage() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const list = useQuery({ queryKey: ['authority', 'messages'], queryFn: () => api.get<MessageListView>('/api/authority/messages') });
  return (
    <Stack gap="md" data-testid="authority-messages">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('authority.messages.title')}
        </Title>
        {hasPermission(me, 'authority.publish') && (
          <Button component={Link} to="/authority/messages/new" data-testid="authority-new">
            {t('authority.messages.new')}
          </Button>
        )}
      </Group>
      <Text size="sm">{t('authority.messages.explain')}</Text>
      {list.isPending ? (
        <PageLoader />
      ) : list.isError ? (
        <FormError error={list.error} />
      ) : list.data.messages.length === 0 ? (
        <Text data-testid="authority-messages-empty">{t('authority.messages.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={900} type="native" tabIndex={0} aria-label={t('authority.messages.title')}>
          <Table striped data-testid="authority-messages-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('exchange.refNo')}</Table.Th>
                <Table.Th>{t('exchange.subject')}</Table.Th>
                <Table.Th>{t('exchange.category')}</Table.Th>
                <Table.Th>{t('exchange.deadline')}</Table.Th>
                <Table.Th>{t('authority.counts.title')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.messages.map((message) => (
                <Table.Tr key={message.id} data-testid="authority-message" data-ref-no={message.refNo}>
                  <Table.Td style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                    <Anchor
                      component={Link}
                      to={`/authority/messages/${message.id}`}
                      size="sm"
                      fw={600}
                      data-testid="authority-message-open"
                    >
                      {message.refNo}
                    </Anchor>
                    <Text size="xs">{t('authority.messages.published', { time: formatDateTime(message.publishedAt, i18n.language) })}</Text>
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <Text size="sm">{titleOf(message, i18n.language)}</Text>
                    <Group gap={4} mt={2}>
                      {message.priority !== 'normal' && <PriorityBadge priority={message.priority} />}
                      <Text size="xs">
                        {message.subjectCode} / {message.typeCode}
                        {message.hasTemplate ? ` · ${t('authority.messages.withReturn')}` : ''}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top' }}>{t(`exchange.categories.${message.category}`)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                    {formatDateTime(message.deadline, i18n.language)}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" fw={700}>
                      {t('authority.counts.recipients', { count: message.counts.recipients })}
                    </Text>
                    <CountBars counts={message.counts} compact />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <VerifyCard />
    </Stack>
  );
}
