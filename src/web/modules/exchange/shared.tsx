import { Badge, Stack, Text, Textarea, Timeline } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { wordsFromText } from '../../../contracts/security-key.js';
import type { ExchangeEventView, InboxItemView, ReturnViewData } from '../../api.js';
import { formatDateTime, hongKongMoment } from '../../components/format.js';

/** The recovery phrase of a school (or authority) key has this many words. */
export const KEY_WORD_COUNT = 24;

const STATUS_COLOUR: Record<InboxItemView['status'], string> = {
  unassigned: 'red.9',
  assigned: 'blue.8',
  in_progress: 'blue.8',
  awaiting_approval: 'yellow.4',
  submitted: '#1e6b30',
  done: '#1e6b30',
};
const DUE_COLOUR: Record<InboxItemView['dueState'], string> = {
  on_track: '#1e6b30',
  due_soon: 'yellow.4',
  overdue: 'red.9',
  done: 'gray.7',
};
const RETURN_COLOUR: Record<ReturnViewData['state'], string> = {
  draft: 'gray.7',
  ready: 'yellow.4',
  rejected: 'red.9',
  processing: 'blue.8',
  sent: 'blue.8',
  send_failed: 'red.9',
  received: '#1e6b30',
};
const PRIORITY_COLOUR: Record<InboxItemView['priority'], string> = { normal: 'gray.7', high: 'orange.3', urgent: 'red.9' };

/** Words on a coloured badge (colour is never the only signal). */
function WordBadge({ colour, label, testId, value }: { colour: string; label: string; testId?: string; value: string }) {
  return (
    <Badge color={colour} variant="filled" autoContrast style={{ flexShrink: 0, maxWidth: 'none' }} data-testid={testId} data-value={value}>
      {label}
    </Badge>
  );
}

export function TaskStatusBadge({ status }: { status: InboxItemView['status'] }) {
  const { t } = useTranslation();
  return <WordBadge colour={STATUS_COLOUR[status]} label={t(`exchange.status.${status}`)} testId="task-status" value={status} />;
}

export function DueStateBadge({ state }: { state: InboxItemView['dueState'] }) {
  const { t } = useTranslation();
  return <WordBadge colour={DUE_COLOUR[state]} label={t(`exchange.dueState.${state}`)} testId="due-state" value={state} />;
}

export function ReturnStateBadge({ state }: { state: ReturnViewData['state'] }) {
  const { t } = useTranslation();
  return <WordBadge colour={RETURN_COLOUR[state]} label={t(`exchange.returnState.${state}`)} testId="return-state" value={state} />;
}

export function PriorityBadge({ priority }: { priority: InboxItemView['priority'] }) {
  const { t } = useTranslation();
  return <WordBadge colour={PRIORITY_COLOUR[priority]} label={t(`exchange.priority.${priority}`)} testId="priority" value={priority} />;
}

/** The colour a due state is drawn in (for calendar entries). */
export const dueColour = (state: InboxItemView['dueState']): string => DUE_COLOUR[state];

/** A message's title in the reader's language. */
export const titleOf = (item: { titleZh: string; titleEn: string }, language: string): string =>
  language === 'en' ? item.titleEn : item.titleZh;
export const nameOf = (item: { nameZh: string; nameEn: string }, language: string): string =>
  language === 'en' ? item.nameEn : item.nameZh;

/** The words typed or pasted as one text (spaces, new lines, numbering such as "1." dropped), in lower case as the word list has them. */
export function splitWords(text: string): string[] {
  return wordsFromText(text);
}

/**
 * The 24 words of a key, typed or pasted into one box (spaces or new lines between them). Counts as
 * the person types and says when the count is wrong; the words are never kept anywhere else.
 */
export function KeyWordsInput({
  value,
  onChange,
  showError,
  testId = 'key-words',
  label,
}: {
  value: string;
  onChange: (value: string) => void;
  showError: boolean;
  testId?: string;
  label?: string;
}) {
  const { t } = useTranslation();
  const count = splitWords(value).length;
  return (
    <Stack gap={4}>
      <Textarea
        label={label ?? t('exchange.key.words')}
        description={t('exchange.key.wordsHint')}
        required
        autosize
        minRows={4}
        maxRows={8}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        error={showError && count !== KEY_WORD_COUNT ? t('exchange.key.wrongCount', { count, expected: KEY_WORD_COUNT }) : undefined}
        data-testid={testId}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      <Text size="xs" aria-live="polite" data-testid={`${testId}-count`} data-count={count}>
        {t('exchange.key.count', { count, expected: KEY_WORD_COUNT })}
      </Text>
    </Stack>
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * A history entry's details as `what: value` in the reader's words: people by name where the page
 * knows them, times in Hong Kong time, error codes translated, counts per file as `file 12`.
 */
export function detailsText(details: Record<string, unknown>, t: Translate, language: string, names: Record<string, string> = {}): string {
  const show = (key: string, value: unknown): string => {
    if (typeof value === 'string') {
      if (UUID.test(value)) return names[value] ?? `${value.slice(0, 8)}…`;
      if (ISO_TIME.test(value)) return formatDateTime(value, language);
      if (key === 'reason' && /^[a-z_]+$/.test(value)) return t(`errors.${value}`, { defaultValue: value });
      if (key === 'from') return t(`exchange.returnState.${value}`, { defaultValue: value });
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => show(key, v)).join(', ');
    if (value !== null && typeof value === 'object')
      return Object.entries(value)
        .map(([k, v]) => `${t(`exchange.files.${k}`, { defaultValue: k })} ${show(k, v)}`)
        .join(', ');
    return String(value);
  };
  return Object.entries(details)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${t(`exchange.detailKeys.${key}`, { defaultValue: key })}: ${show(key, value)}`)
    .join(' · ');
}

export function eventLabel(t: (key: string, options?: Record<string, unknown>) => string, event: string): string {
  return t(`exchange.events.${event}`, { defaultValue: event });
}

/** What happened to a message or return, oldest first. */
export function EventTimeline({
  events,
  names,
  testId = 'event-timeline',
}: {
  events: ExchangeEventView[];
  names?: Record<string, string>;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  if (events.length === 0) return <Text size="sm">{t('exchange.noEvents')}</Text>;
  return (
    <Timeline active={events.length - 1} bulletSize={14} lineWidth={2} data-testid={testId}>
      {events.map((entry, index) => (
        <Timeline.Item key={`${entry.at}-${index}`} title={eventLabel(t, entry.event)} data-testid="event" data-event={entry.event}>
          <Text size="xs">
            {formatDateTime(entry.at, i18n.language, true)}
            {entry.actor ? ` · ${entry.actor}` : ''}
          </Text>
          {Object.keys(entry.details).length > 0 && (
            <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
              {detailsText(entry.details, t, i18n.language, names)}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

// The one set of Hong Kong date helpers lives in components/format.ts; these names stay for the exchange pages.
export { hongKongToday, hongKongParts } from '../../components/format.js';

/** Hong Kong date and time inputs as an ISO date-time with offset. */
export const hongKongIso = (date: string, time: string): string => hongKongMoment(date, time || '00:00');

/** File sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
