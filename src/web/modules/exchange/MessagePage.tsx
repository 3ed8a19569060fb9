import { useState, type ReactNode } from 'react';
import { Alert, Anchor, Button, Card, Code, Group, List, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, type Created, type InboxDetailView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { AssignForm, proceduresQuery } from './AssignForm.js';
import { DueStateBadge, EventTimeline, formatBytes, PriorityBadge, ReturnStateBadge, TaskStatusBadge, titleOf } from './shared.js';
import { UnlockModal } from './UnlockModal.js';
import { ruleSentence } from '../../components/labels.js';

export const inboxItemQuery = (id: string) => ({
  queryKey: ['exchange', 'item', id] as const,
  queryFn: () => api.get<InboxDetailView>(`/api/exchange/inbox/${id}`),
  enabled: id !== '',
});

function Fact({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <Text size="xs" fw={700}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {value}
      </Text>
    </div>
  );
}

function MessageHeader({ item }: { item: InboxDetailView }) {
  const { t, i18n } = useTranslation();
  return (
    <Paper withBorder p="sm">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
        <Fact label={t('exchange.refNo')} value={item.refNo} testId="message-ref-no" />
        <Fact label={t('exchange.authority')} value={i18n.language === 'en' ? item.authority.nameEn : item.authority.nameZh} />
        <Fact label={t('exchange.category')} value={t(`exchange.categories.${item.category}`)} />
        <Fact label={t('exchange.codes')} value={`${item.subjectCode} / ${item.typeCode}`} />
        <Fact label={t('exchange.priorityLabel')} value={<PriorityBadge priority={item.priority} />} />
        <Fact
          label={t('exchange.referenceDate')}
          value={item.referenceDate ? formatDate(item.referenceDate, i18n.language) : t('exchange.none')}
        />
        <Fact label={t('exchange.deadline')} value={formatDateTime(item.deadline, i18n.language)} testId="message-deadline" />
        <Fact
          label={t('exchange.internalDue')}
          value={
            <Group gap="xs">
              <span>{formatDateTime(item.internalDue, i18n.language)}</span>
              <DueStateBadge state={item.dueState} />
            </Group>
          }
        />
        <Fact label={t('exchange.statusLabel')} value={<TaskStatusBadge status={item.status} />} />
        <Fact label={t('exchange.owner')} value={item.owner?.name ?? t('exchange.nobody')} />
        <Fact label={t('exchange.backup')} value={item.backup?.name ?? t('exchange.nobody')} />
        <Fact label={t('exchange.checker')} value={item.checker?.name ?? t('exchange.nobody')} />
      </SimpleGrid>
    </Paper>
  );
}

function MessageContent({ item }: { item: InboxDetailView }) {
  const { t, i18n } = useTranslation();
  const [otherLanguage, setOtherLanguage] = useState(false);
  const content = item.content;
  if (!content) return null;
  const english = (i18n.language === 'en') !== otherLanguage;
  return (
    <Card withBorder data-testid="message-content">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t('exchange.message.body')}
          </Title>
          <Button variant="subtle" size="compact-sm" onClick={() => setOtherLanguage((v) => !v)} data-testid="message-other-language">
            {english ? t('exchange.message.showZh') : t('exchange.message.showEn')}
          </Button>
        </Group>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} lang={english ? 'en' : 'zh-HK'} data-testid="message-body">
          {english ? content.bodyEn : content.bodyZh}
        </Text>
        {content.attachments.length > 0 && (
          <>
            <Title order={3} size="h5">
              {t('exchange.message.attachments')}
            </Title>
            <List size="sm">
              {content.attachments.map((file, index) => (
                <List.Item key={`${index}-${file.name}`}>
                  <Anchor
                    href={`/api/exchange/inbox/${item.id}/attachments/${index}`}
                    download={file.name}
                    data-testid="message-attachment"
                  >
                    {file.name}
                  </Anchor>{' '}
                  ({formatBytes(file.size)})
                </List.Item>
              ))}
            </List>
          </>
        )}
        {content.template && (
          <>
            <Title order={3} size="h5">
              {t('exchange.message.template')}
            </Title>
            <Text size="sm" data-testid="message-template" data-kind={content.template.kind}>
              {t(`exchange.templateKinds.${content.template.kind}`)}
            </Text>
            {content.template.rules.length > 0 && (
              <List size="sm" spacing={2}>
                {content.template.rules.map((rule, index) => (
                  <List.Item key={`${index}-${rule}`} data-testid="template-rule">
                    {ruleSentence(t, rule)}
                  </List.Item>
                ))}
              </List>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}

function ReturnsList({ item }: { item: InboxDetailView }) {
  const { t, i18n } = useTranslation();
  if (item.returns.length === 0) return <Text size="sm">{t('exchange.message.noReturns')}</Text>;
  return (
    <Table.ScrollContainer minWidth={560} type="native" tabIndex={0} aria-label={t('exchange.message.returns')}>
      <Table striped data-testid="message-returns">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('exchange.return.amendment')}</Table.Th>
            <Table.Th>{t('exchange.statusLabel')}</Table.Th>
            <Table.Th>{t('exchange.return.updated')}</Table.Th>
            <Table.Th>{t('exchange.return.receipt')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {item.returns.map((ret) => (
            <Table.Tr key={ret.id} data-testid="message-return" data-state={ret.state}>
              <Table.Td>
                <Anchor component={Link} to={`/exchange/returns/${ret.id}`} size="sm" fw={600} data-testid="message-return-open">
                  {ret.amendment === 0 ? t('exchange.return.original') : t('exchange.return.amendmentN', { n: ret.amendment })}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <ReturnStateBadge state={ret.state} />
              </Table.Td>
              <Table.Td>{formatDateTime(ret.updatedAt, i18n.language)}</Table.Td>
              <Table.Td>
                {ret.receiptHash ? (
                  <Code title={ret.receiptHash} style={{ overflowWrap: 'anywhere' }}>
                    {ret.receiptHash.slice(0, 16)}…
                  </Code>
                ) : (
                  ''
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The people the page knows, so the history can name them instead of showing ids. */
function namesOf(item: InboxDetailView, people: { id: string; name: string }[]): Record<string, string> {
  const names: Record<string, string> = Object.fromEntries(people.map((p) => [p.id, p.name]));
  for (const person of [item.owner, item.backup, item.checker]) if (person) names[person.id] = person.name;
  return names;
}

/** One message from an authority: what it asks, who follows it, its returns and its history. */
export function MessagePage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const [unlocking, setUnlocking] = useState(false);
  const detail = useQuery(inboxItemQuery(id));
  const procedures = useQuery(proceduresQuery);
  const generate = useMutation({
    mutationFn: () => api.post<Created>(`/api/exchange/inbox/${id}/returns`),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['exchange'] });
      showSuccess(t('exchange.message.generated'));
      void navigate(`/exchange/returns/${created.id}`);
    },
  });
  const amend = useMutation({
    mutationFn: () => api.post<Created>(`/api/exchange/inbox/${id}/amend`),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['exchange'] });
      showSuccess(t('exchange.return.amendStarted'));
      void navigate(`/exchange/returns/${created.id}`);
    },
  });
  const done = useMutation({
    mutationFn: () => api.post(`/api/exchange/inbox/${id}/done`),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exchange'] });
      showSuccess(t('exchange.message.markedDone'));
    },
  });

  const [closeReason, setCloseReason] = useState('');
  const close = useMutation({
    mutationFn: () => api.post(`/api/exchange/inbox/${id}/close`, { reason: closeReason.trim() }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exchange'] });
      showSuccess(t('exchange.message.closed'));
    },
  });

  if (detail.isPending) return <PageLoader />;
  if (!detail.data) return <FormError error={detail.error} />;
  const item = detail.data;
  const myId = me?.user.id;
  const preparer = hasPermission(me, 'exchange.prepare') && (item.owner?.id === myId || item.backup?.id === myId);
  const imported = item.state === 'imported' && item.content !== null;
  const latest = item.returns[0];
  const closed = item.status === 'submitted' || item.status === 'done';
  const canGenerate = preparer && imported && item.hasTemplate && (!latest || ['draft', 'rejected', 'send_failed'].includes(latest.state));
  const canAmend = preparer && latest?.state === 'received';

  return (
    <Stack gap="md" data-testid="message-page" data-status={item.status} data-state={item.state}>
      <Anchor component={Link} to="/exchange/inbox" size="sm" data-testid="message-back">
        {t('exchange.message.back')}
      </Anchor>
      <Title order={1} size="h2">
        {titleOf(item, i18n.language)}
      </Title>
      <MessageHeader item={item} />
      {!imported && (
        <Alert
          color={item.state === 'encrypted' ? 'yellow.4' : 'red'}
          variant="outline"
          role={item.state === 'encrypted' ? undefined : 'alert'}
          data-testid="message-locked"
        >
          <Stack gap="xs">
            <Text size="sm">{t(`exchange.message.locked.${item.state}`, { reason: item.failure ?? '' })}</Text>
            {item.state !== 'encrypted' && !closed && hasPermission(me, 'exchange.manage') && (
              <Group align="flex-end">
                <TextInput
                  label={t('exchange.message.closeReason')}
                  value={closeReason}
                  onChange={(e) => setCloseReason(e.currentTarget.value)}
                  maxLength={1000}
                  style={{ flex: 1 }}
                  data-testid="message-close-reason"
                />
                <Button
                  variant="default"
                  disabled={closeReason.trim() === ''}
                  loading={close.isPending}
                  onClick={() => close.mutate()}
                  data-testid="message-close"
                >
                  {t('exchange.message.close')}
                </Button>
              </Group>
            )}
            <FormError error={close.error} testId="message-close-error" />
            {item.state === 'encrypted' && hasPermission(me, 'exchange.unlock') && (
              <Group>
                <Button onClick={() => setUnlocking(true)} data-testid="message-unlock">
                  {t('exchange.unlock.open')}
                </Button>
              </Group>
            )}
          </Stack>
        </Alert>
      )}
      <MessageContent item={item} />
      {hasPermission(me, 'exchange.manage') && <AssignForm item={item} />}
      <Card withBorder>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {item.hasTemplate ? t('exchange.message.returns') : t('exchange.message.notice')}
          </Title>
          {item.hasTemplate ? <ReturnsList item={item} /> : <Text size="sm">{t('exchange.message.noticeExplain')}</Text>}
          {!preparer && imported && !closed && <Text size="sm">{t('exchange.message.onlyOwner')}</Text>}
          <Group>
            {canGenerate && (
              <Button loading={generate.isPending} onClick={() => generate.mutate()} data-testid="message-generate">
                {latest ? t('exchange.message.regenerate') : t('exchange.message.generate')}
              </Button>
            )}
            {canAmend && (
              <Button variant="default" loading={amend.isPending} onClick={() => amend.mutate()} data-testid="message-amend">
                {t('exchange.return.amend')}
              </Button>
            )}
            {preparer && imported && !item.hasTemplate && !closed && (
              <Button loading={done.isPending} onClick={() => done.mutate()} data-testid="message-done">
                {t('exchange.message.markDone')}
              </Button>
            )}
          </Group>
          {latest && ['draft', 'rejected', 'send_failed'].includes(latest.state) && canGenerate && (
            <Text size="xs">{t('exchange.message.regenerateHint')}</Text>
          )}
          <FormError error={generate.error ?? amend.error ?? done.error} testId="message-error" />
        </Stack>
      </Card>
      <Card withBorder>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('exchange.history')}
          </Title>
          <EventTimeline events={item.events} names={namesOf(item, procedures.data?.people ?? [])} />
        </Stack>
      </Card>
      {unlocking && <UnlockModal onClose={() => setUnlocking(false)} />}
    </Stack>
  );
}
