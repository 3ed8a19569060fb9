import { useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  List,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Spoiler,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ProgressState } from '../../../contracts/exchange.js';
import { api, queryString, type MessageProgressView, type OpenedPackageView, type SchoolProgressView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { Pager } from '../../components/Pager.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { KEY_WORD_COUNT, KeyWordsInput, nameOf, PriorityBadge, splitWords, titleOf } from '../exchange/shared.js';
import { columnLabel, ReturnTable } from '../exchange/ReturnTable.js';
import { CorrectionsNote, correctedRowsOf } from '../exchange/RecordCorrection.js';
import { CountBars } from './CountBars.js';
import { orderedSummary, RollExceptionsNote, summaryLabel } from '../exchange/RollExceptions.js';
import { ruleSentence } from '../../components/labels.js';

const PAGE_SIZE = 100;
const STATE_COLOUR: Record<SchoolProgressView['state'], string> = {
  delivered: 'gray.7',
  opened: 'blue.8',
  preparing: 'cyan.9',
  submitted: 'violet.8',
  received: '#1e6b30',
};

function StateBadge({ state }: { state: SchoolProgressView['state'] }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={STATE_COLOUR[state]}
      variant="filled"
      autoContrast
      style={{ maxWidth: 'none' }}
      data-testid="school-state"
      data-value={state}
    >
      {t(`authority.states.${state}`)}
    </Badge>
  );
}

function OpenedFiles({ opened }: { opened: OpenedPackageView }) {
  const { t } = useTranslation();
  const [offsets, setOffsets] = useState<Record<string, number>>({});
  const none = new Set<string>();
  return (
    <Stack gap="sm" data-testid="opened-package" data-manifest-ok={opened.manifestOk}>
      <Alert color={opened.manifestOk ? 'green' : 'red'} variant="outline" role={opened.manifestOk ? undefined : 'alert'}>
        <Text size="sm" fw={700}>
          {opened.manifestOk ? t('authority.open.manifestOk') : t('authority.open.manifestBad')}
        </Text>
      </Alert>
      <CorrectionsNote corrections={opened.corrections} />
      <RollExceptionsNote exceptions={opened.exceptions} referenceDate={opened.referenceDate} />
      {Object.keys(opened.summary).length > 0 && (
        <Text size="sm">
          {orderedSummary(opened.summary)
            .map(([key, value]) => `${summaryLabel(t, key)}: ${value}`)
            .join(' · ')}
        </Text>
      )}
      <Tabs defaultValue={opened.files[0]?.name ?? null} keepMounted={false}>
        <Tabs.List>
          {opened.files.map((file) => (
            <Tabs.Tab key={file.name} value={file.name}>
              {t(`exchange.files.${file.name}`, { defaultValue: file.name })} ({file.rows.length})
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {opened.files.map((file) => (
          <Tabs.Panel key={file.name} value={file.name} pt="sm">
            <ReturnTable
              file={file}
              problems={none}
              changed={none}
              editable={false}
              offset={offsets[file.name] ?? 0}
              onOffset={(offset) => setOffsets((previous) => ({ ...previous, [file.name]: offset }))}
              focus={null}
              onEdit={() => undefined}
              corrected={correctedRowsOf(opened.corrections, file.name)}
            />
          </Tabs.Panel>
        ))}
      </Tabs>
      <Text size="xs">
        {t('authority.open.columns', {
          columns: opened.files
            .flatMap((f) => f.columns)
            .map((c) => columnLabel(t, c))
            .filter((c, i, all) => all.indexOf(c) === i)
            .join(', '),
        })}
      </Text>
    </Stack>
  );
}

/** Open a received return with the authority's key: decrypted here, its manifest checked file by file. */
function OpenModal({ school, onClose }: { school: SchoolProgressView; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [words, setWords] = useState('');
  const [tried, setTried] = useState(false);
  const open = useMutation({
    mutationFn: (list: string[]) => api.post<OpenedPackageView>(`/api/authority/packages/${school.packageId ?? ''}/open`, { words: list }),
    onSuccess: () => setWords(''),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const list = splitWords(words);
    if (list.length === KEY_WORD_COUNT) open.mutate(list);
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      title={t('authority.open.title', { school: `${school.schoolNumber} ${nameOf(school, i18n.language)}` })}
      size="xl"
    >
      {open.data ? (
        <OpenedFiles opened={open.data} />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <Text size="sm">{t('authority.open.explain')}</Text>
            <KeyWordsInput value={words} onChange={setWords} showError={tried} testId="open-words" label={t('authority.open.words')} />
            <FormError error={open.error} testId="open-error" />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={open.isPending} data-testid="open-submit">
                {t('authority.open.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

interface ProgressFilters {
  state: string | null;
  late: string | null;
  q: string;
}

/** One message: what was sent, and where each school stands, with reminders and the returns received. */
export function ProgressPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const { data: me } = useMe();
  const queryClient = useQueryClient();
  const [draftQ, setDraftQ] = useState('');
  const [filters, setFilters] = useState<ProgressFilters>({ state: null, late: null, q: '' });
  const [offset, setOffset] = useState(0);
  const [opening, setOpening] = useState<SchoolProgressView | null>(null);
  const progress = useQuery({
    queryKey: ['authority', 'message', id, filters, offset],
    queryFn: () =>
      api.get<MessageProgressView>(
        `/api/authority/messages/${id}${queryString({ state: filters.state ?? undefined, late: filters.late ?? undefined, q: filters.q.trim(), limit: PAGE_SIZE, offset })}`,
      ),
    placeholderData: keepPreviousData,
    enabled: id !== '',
  });
  const remind = useMutation({
    mutationFn: () => api.post<{ reminded: number }>(`/api/authority/messages/${id}/remind`),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['authority'] });
      showSuccess(t('authority.progress.reminded', { count: result.reminded }));
    },
  });
  const resend = useMutation({
    mutationFn: () => api.post<{ resent: number }>(`/api/authority/messages/${id}/resend`),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['authority'] });
      showSuccess(t('authority.progress.resent', { count: result.resent }));
    },
  });
  const setFilter = (change: Partial<ProgressFilters>) => {
    setFilters((previous) => ({ ...previous, ...change }));
    setOffset(0);
  };
  const search = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ q: draftQ });
  };

  if (progress.isPending) return <PageLoader />;
  if (!progress.data) return <FormError error={progress.error} />;
  const { message, schools, total } = progress.data;
  const notSubmitted = message.counts.recipients - message.counts.submitted;
  const canUnlock = hasPermission(me, 'authority.unlock');

  return (
    <Stack gap="md" data-testid="authority-progress" data-message-id={message.id}>
      <Anchor component={Link} to="/authority/messages" size="sm" data-testid="progress-back">
        {t('authority.progress.back')}
      </Anchor>
      <Title order={1} size="h2">
        {titleOf(message, i18n.language)}
      </Title>
      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="xs">
          <Text size="sm" data-testid="progress-ref-no">
            {t('exchange.refNo')}: <b>{message.refNo}</b>
          </Text>
          <Text size="sm">
            {t('exchange.category')}: {t(`exchange.categories.${message.category}`)}
          </Text>
          <Text size="sm">
            {t('exchange.codes')}: {message.subjectCode} / {message.typeCode}
          </Text>
          <Group gap="xs">
            <Text size="sm">{t('exchange.priorityLabel')}:</Text>
            <PriorityBadge priority={message.priority} />
          </Group>
          <Text size="sm">
            {t('exchange.deadline')}: {formatDateTime(message.deadline, i18n.language)}
          </Text>
          {message.referenceDate && (
            <Text size="sm">
              {t('exchange.referenceDate')}: {formatDate(message.referenceDate, i18n.language)}
            </Text>
          )}
          <Text size="sm">{t('authority.messages.published', { time: formatDateTime(message.publishedAt, i18n.language) })}</Text>
          <Text size="sm">
            {message.template ? t('exchange.templateKinds.' + message.template.kind) : t('authority.progress.noReturn')}
          </Text>
        </SimpleGrid>
      </Paper>
      <Card withBorder>
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t('authority.counts.title')} · {t('authority.counts.recipients', { count: message.counts.recipients })}
          </Title>
          <CountBars counts={message.counts} />
        </Stack>
      </Card>
      <Spoiler maxHeight={80} showLabel={t('authority.progress.showBody')} hideLabel={t('authority.progress.hideBody')}>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {i18n.language === 'en' ? message.bodyEn : message.bodyZh}
        </Text>
        {message.attachments.length > 0 && (
          <Text size="sm" fw={700} mt="xs">
            {t('exchange.message.attachments')}
          </Text>
        )}
        {message.attachments.length > 0 && (
          <List size="sm">
            {message.attachments.map((file, index) => (
              <List.Item key={`${index}-${file.name}`}>{file.name}</List.Item>
            ))}
          </List>
        )}
        {message.template && message.template.rules.length > 0 && (
          <Text size="sm" fw={700} mt="xs">
            {t('authority.new.rules')}
          </Text>
        )}
        {message.template && message.template.rules.length > 0 && (
          <List size="sm">
            {message.template.rules.map((rule, index) => (
              <List.Item key={`${index}-${rule}`} data-testid="template-rule">
                {ruleSentence(t, rule)}
              </List.Item>
            ))}
          </List>
        )}
      </Spoiler>
      {hasPermission(me, 'authority.publish') && (
        <Group>
          <Button
            variant="default"
            disabled={notSubmitted === 0}
            loading={remind.isPending}
            onClick={() => remind.mutate()}
            data-testid="progress-remind"
          >
            {t('authority.progress.remind', { count: notSubmitted })}
          </Button>
          <FormError error={remind.error} testId="remind-error" />
          <Button variant="default" loading={resend.isPending} onClick={() => resend.mutate()} data-testid="progress-resend">
            {t('authority.progress.resend')}
          </Button>
          <FormError error={resend.error} testId="resend-error" />
        </Group>
      )}
      <form onSubmit={search} noValidate role="search">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          <TextInput
            label={t('common.search')}
            description={t('authority.progress.searchHint')}
            type="search"
            value={draftQ}
            onChange={(e) => setDraftQ(e.currentTarget.value)}
            data-testid="progress-search"
          />
          <Select
            label={t('authority.progress.state')}
            placeholder={t('exchange.all')}
            clearable
            data={ProgressState.options.map((value) => ({ value, label: t(`authority.states.${value}`) }))}
            value={filters.state}
            onChange={(value) => setFilter({ state: value })}
            data-testid="progress-state-filter"
          />
          <Select
            label={t('authority.progress.late')}
            placeholder={t('exchange.all')}
            clearable
            data={[
              { value: 'true', label: t('authority.progress.lateOnly') },
              { value: 'false', label: t('authority.progress.notLate') },
            ]}
            value={filters.late}
            onChange={(value) => setFilter({ late: value })}
            data-testid="progress-late-filter"
          />
          <Group align="flex-end">
            <Button type="submit" data-testid="progress-search-submit">
              {t('common.search')}
            </Button>
          </Group>
        </SimpleGrid>
      </form>
      <Table.ScrollContainer minWidth={980} type="native" tabIndex={0} aria-label={t('authority.progress.schools')}>
        <Table striped data-testid="progress-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('authority.progress.school')}</Table.Th>
              <Table.Th>{t('authority.progress.state')}</Table.Th>
              <Table.Th>{t('authority.progress.steps')}</Table.Th>
              <Table.Th>{t('authority.progress.receipt')}</Table.Th>
              <Table.Th>{t('authority.progress.reminders')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {schools.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>{t('authority.progress.none')}</Table.Td>
              </Table.Tr>
            )}
            {schools.map((school) => (
              <Table.Tr
                key={school.deliveryId}
                data-testid="progress-school"
                data-school-number={school.schoolNumber}
                data-state={school.state}
                data-late={school.late}
              >
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {school.schoolNumber}
                  </Text>
                  <Text size="xs">{nameOf(school, i18n.language)}</Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Stack gap={4} align="flex-start">
                    <StateBadge state={school.state} />
                    {school.late && (
                      <Badge color="red.9" variant="filled" style={{ maxWidth: 'none' }} data-testid="school-late">
                        {t('authority.progress.lateBadge')}
                      </Badge>
                    )}
                    {(school.incomingState === 'decrypt_failed' || school.incomingState === 'import_failed') && (
                      <Badge
                        color="orange.9"
                        variant="filled"
                        style={{ maxWidth: 'none' }}
                        data-testid="school-unreadable"
                        title={school.failure ?? undefined}
                      >
                        {t('authority.progress.unreadable')}
                      </Badge>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">
                    {(['openedAt', 'preparingAt', 'submittedAt', 'receivedAt'] as const)
                      .filter((key) => school[key])
                      .map((key) => `${t(`authority.progress.at.${key}`)} ${formatDateTime(school[key], i18n.language)}`)
                      .join(' · ') || t('authority.progress.deliveredAt', { time: formatDateTime(school.deliveredAt, i18n.language) })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {school.receiptHash ? (
                    <Code title={school.receiptHash} data-testid="school-receipt" style={{ overflowWrap: 'anywhere' }}>
                      {school.receiptHash.slice(0, 16)}…
                    </Code>
                  ) : (
                    ''
                  )}
                </Table.Td>
                <Table.Td>{school.reminders}</Table.Td>
                <Table.Td>
                  {school.packageId && (
                    <Group gap={4} wrap="nowrap">
                      <Button
                        component="a"
                        size="compact-sm"
                        variant="default"
                        href={`/api/authority/packages/${school.packageId}`}
                        download
                        aria-label={t('authority.progress.downloadFor', { school: school.schoolNumber })}
                        data-testid="school-package"
                      >
                        {t('authority.progress.download')}
                      </Button>
                      {canUnlock && school.state === 'received' && (
                        <Button
                          size="compact-sm"
                          onClick={() => setOpening(school)}
                          aria-label={t('authority.open.openFor', { school: school.schoolNumber })}
                          data-testid="school-open"
                        >
                          {t('authority.open.button')}
                        </Button>
                      )}
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Pager offset={offset} shown={schools.length} total={total} pageSize={PAGE_SIZE} onChange={setOffset} testIdPrefix="progress" />
      {opening && <OpenModal school={opening} onClose={() => setOpening(null)} />}
    </Stack>
  );
}
