import { useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { DataList } from '../../components/DataList.js';
import { useMediaQuery } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CATEGORIES, DueState, TaskStatus } from '../../../contracts/exchange.js';
import { api, queryString, type InboxItemView, type InboxListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { Pager } from '../../components/Pager.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { CalendarFeedCard } from './CalendarFeedCard.js';
import { DueCalendar } from './DueCalendar.js';
import { DueStateBadge, PriorityBadge, ReturnStateBadge, TaskStatusBadge, titleOf } from './shared.js';
import { UnlockModal } from './UnlockModal.js';

const PAGE_SIZE = 50;

interface InboxFilters {
  q: string;
  status: string | null;
  category: string | null;
  dueState: string | null;
  mine: boolean;
}

function InboxTable({ items }: { items: InboxItemView[] }) {
  const { t, i18n } = useTranslation();
  return (
    <DataList
      testId="inbox-table"
      minWidth={960}
      rows={items}
      rowKey={(item) => item.id}
      rowAttributes={(item) => ({
        'data-testid': 'inbox-row',
        'data-ref-no': item.refNo,
        'data-status': item.status,
        'data-due-state': item.dueState,
        'data-state': item.state,
      })}
      columns={[
        {
          key: 'ref',
          header: t('exchange.refNo'),
          card: 'subtitle',
          nowrap: true,
          cell: (item) => (
            <>
              <Anchor component={Link} to={`/exchange/inbox/${item.id}`} size="sm" fw={600} data-testid="inbox-open">
                {item.refNo}
              </Anchor>
              <Text size="xs">{i18n.language === 'en' ? item.authority.nameEn : item.authority.nameZh}</Text>
            </>
          ),
        },
        {
          key: 'subject',
          header: t('exchange.subject'),
          card: 'title',
          cell: (item) => (
            <>
              <Text size="sm" component="span" display="block">
                {titleOf(item, i18n.language)}
              </Text>
              <Group gap={4} mt={2} component="span">
                {item.priority !== 'normal' && <PriorityBadge priority={item.priority} />}
                {item.state !== 'imported' && (
                  <Text size="xs" fw={700} component="span" data-testid="inbox-locked">
                    {t(`exchange.incoming.${item.state}`)}
                  </Text>
                )}
              </Group>
            </>
          ),
        },
        { key: 'category', header: t('exchange.category'), card: 'field', cell: (item) => t(`exchange.categories.${item.category}`) },
        {
          key: 'status',
          header: t('exchange.statusLabel'),
          card: 'field',
          cell: (item) => (
            <Stack gap={4} align="flex-start">
              <TaskStatusBadge status={item.status} />
              {item.returnState && <ReturnStateBadge state={item.returnState} />}
            </Stack>
          ),
        },
        {
          key: 'due',
          header: t('exchange.internalDue'),
          card: 'field',
          cell: (item) => (
            <Stack gap={4} align="flex-start">
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                {formatDate(item.internalDue, i18n.language)}
              </Text>
              <DueStateBadge state={item.dueState} />
            </Stack>
          ),
        },
        {
          key: 'deadline',
          header: t('exchange.deadline'),
          card: 'field',
          nowrap: true,
          cell: (item) => formatDateTime(item.deadline, i18n.language),
        },
        { key: 'owner', header: t('exchange.owner'), card: 'field', cell: (item) => item.owner?.name ?? t('exchange.nobody') },
      ]}
    />
  );
}

/** On a phone each message is a card: every fact in view without scrolling sideways. */
function InboxCards({ items }: { items: InboxItemView[] }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack gap="xs" data-testid="inbox-cards">
      {items.map((item) => (
        <Paper
          key={item.id}
          withBorder
          p="sm"
          data-testid="inbox-row"
          data-ref-no={item.refNo}
          data-status={item.status}
          data-due-state={item.dueState}
          data-state={item.state}
        >
          <Stack gap={4}>
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Anchor component={Link} to={`/exchange/inbox/${item.id}`} fw={600} data-testid="inbox-open">
                {item.refNo}
              </Anchor>
              {item.priority !== 'normal' && <PriorityBadge priority={item.priority} />}
            </Group>
            <Text size="sm">{titleOf(item, i18n.language)}</Text>
            <Text size="xs">
              {i18n.language === 'en' ? item.authority.nameEn : item.authority.nameZh} · {t(`exchange.categories.${item.category}`)}
            </Text>
            {item.state !== 'imported' && (
              <Text size="xs" fw={700} data-testid="inbox-locked">
                {t(`exchange.incoming.${item.state}`)}
              </Text>
            )}
            <Group gap={4}>
              <TaskStatusBadge status={item.status} />
              {item.dueState !== 'done' && <DueStateBadge state={item.dueState} />}
              {item.returnState && <ReturnStateBadge state={item.returnState} />}
            </Group>
            <Text size="xs">
              {t('exchange.internalDue')}: {formatDate(item.internalDue, i18n.language)} · {t('exchange.deadline')}:{' '}
              {formatDateTime(item.deadline, i18n.language)}
            </Text>
            <Text size="xs">
              {t('exchange.owner')}: {item.owner?.name ?? t('exchange.nobody')}
            </Text>
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

/** Messages from the Education Bureau and the HKEAA, each a task with an owner and an internal due date (memo O2). */
export function InboxPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const [draftQ, setDraftQ] = useState('');
  const [filters, setFilters] = useState<InboxFilters>({ q: '', status: null, category: null, dueState: null, mine: false });
  const [offset, setOffset] = useState(0);
  const [view, setView] = useState<'list' | 'calendar'>('list');
  const [unlocking, setUnlocking] = useState(false);
  const wide = useMediaQuery('(min-width: 48em)', true);
  const calendar = view === 'calendar';
  const inbox = useQuery({
    queryKey: ['exchange', 'inbox', filters, calendar ? 'all' : offset],
    queryFn: () =>
      api.get<InboxListView>(
        `/api/exchange/inbox${queryString({
          q: filters.q.trim(),
          status: filters.status ?? undefined,
          category: filters.category ?? undefined,
          dueState: filters.dueState ?? undefined,
          mine: filters.mine ? 'true' : undefined,
          // The calendar shows every task of the filter at once.
          limit: calendar ? 500 : PAGE_SIZE,
          offset: calendar ? 0 : offset,
        })}`,
      ),
    placeholderData: keepPreviousData,
  });
  const setFilter = (change: Partial<InboxFilters>) => {
    setFilters((previous) => ({ ...previous, ...change }));
    setOffset(0);
  };
  const search = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ q: draftQ });
  };
  const locked = inbox.data?.locked ?? 0;

  return (
    <Stack gap="md" data-testid="inbox-page">
      <Title order={1} size="h2">
        {t('exchange.inbox.title')}
      </Title>
      <Text size="sm">{t('exchange.inbox.explain')}</Text>
      {locked > 0 && (
        <Alert color="yellow.4" variant="outline" data-testid="inbox-locked-banner" data-locked={locked}>
          <Stack gap="xs">
            <Text size="sm" fw={600}>
              {t('exchange.inbox.lockedBanner', { count: locked })}
            </Text>
            {hasPermission(me, 'exchange.unlock') ? (
              <Group>
                <Button onClick={() => setUnlocking(true)} data-testid="inbox-unlock">
                  {t('exchange.unlock.open')}
                </Button>
              </Group>
            ) : (
              <Text size="sm">{t('exchange.inbox.askToUnlock')}</Text>
            )}
          </Stack>
        </Alert>
      )}
      <form onSubmit={search} noValidate role="search">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }}>
          <TextInput
            label={t('common.search')}
            description={t('exchange.inbox.searchHint')}
            type="search"
            value={draftQ}
            onChange={(e) => setDraftQ(e.currentTarget.value)}
            data-testid="inbox-search"
          />
          <Select
            label={t('exchange.statusLabel')}
            placeholder={t('exchange.all')}
            clearable
            data={TaskStatus.options.map((value) => ({ value, label: t(`exchange.status.${value}`) }))}
            value={filters.status}
            onChange={(value) => setFilter({ status: value })}
            data-testid="inbox-status-filter"
          />
          <Select
            label={t('exchange.category')}
            placeholder={t('exchange.all')}
            clearable
            data={CATEGORIES.map((value) => ({ value, label: t(`exchange.categories.${value}`) }))}
            value={filters.category}
            onChange={(value) => setFilter({ category: value })}
            data-testid="inbox-category-filter"
          />
          <Select
            label={t('exchange.dueStateLabel')}
            placeholder={t('exchange.all')}
            clearable
            data={DueState.options.map((value) => ({ value, label: t(`exchange.dueState.${value}`) }))}
            value={filters.dueState}
            onChange={(value) => setFilter({ dueState: value })}
            data-testid="inbox-due-filter"
          />
          <Group align="flex-end">
            <Button type="submit" data-testid="inbox-search-submit">
              {t('common.search')}
            </Button>
          </Group>
        </SimpleGrid>
      </form>
      <Group justify="space-between" align="center">
        <Switch
          label={t('exchange.inbox.mine')}
          checked={filters.mine}
          onChange={(e) => setFilter({ mine: e.currentTarget.checked })}
          data-testid="inbox-mine"
        />
        <SegmentedControl
          aria-label={t('exchange.inbox.view')}
          value={view}
          onChange={(value) => setView(value === 'calendar' ? 'calendar' : 'list')}
          data={[
            { value: 'list', label: t('exchange.inbox.listView') },
            { value: 'calendar', label: t('exchange.inbox.calendarView') },
          ]}
          data-testid="inbox-view"
        />
      </Group>
      {inbox.isPending ? (
        <PageLoader />
      ) : inbox.isError ? (
        <FormError error={inbox.error} />
      ) : calendar ? (
        <DueCalendar items={inbox.data.items} />
      ) : (
        <>
          {inbox.data.items.length === 0 ? (
            <Text data-testid="inbox-empty">{t('exchange.inbox.none')}</Text>
          ) : wide ? (
            <InboxTable items={inbox.data.items} />
          ) : (
            <InboxCards items={inbox.data.items} />
          )}
          <Pager
            offset={offset}
            shown={inbox.data.items.length}
            total={inbox.data.total}
            pageSize={PAGE_SIZE}
            onChange={setOffset}
            testIdPrefix="inbox"
          />
        </>
      )}
      <CalendarFeedCard />
      {unlocking && <UnlockModal onClose={() => setUnlocking(false)} />}
    </Stack>
  );
}
