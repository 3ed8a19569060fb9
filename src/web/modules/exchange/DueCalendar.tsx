import { useState } from 'react';
import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { InboxItemView } from '../../api.js';
import { formatDateWithWeekday, formatMonth, weekdayNames } from '../../components/format.js';
import { DueStateBadge, dueColour, hongKongParts, hongKongToday, titleOf } from './shared.js';

/** YYYY-MM of a YYYY-MM-DD, moved by some months. */
function addMonths(month: string, delta: number): string {
  const [y = 2000, m = 1] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The weeks of a month, Monday first, as YYYY-MM-DD (null outside the month). */
function weeksOf(month: string): (string | null)[][] {
  const [y = 2000, m = 1] = month.split('-').map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7;
  const cells: (string | null)[] = Array.from({ length: lead }, () => null);
  for (let d = 1; d <= days; d++) cells.push(`${month}-${String(d).padStart(2, '0')}`);
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/**
 * The tasks by internal due date: a month grid (for a wide screen) and, under it, the same month
 * as a list grouped by day (which reads well on a phone and with a screen reader).
 */
export function DueCalendar({ items }: { items: InboxItemView[] }) {
  const { t, i18n } = useTranslation();
  const today = hongKongToday();
  const [month, setMonth] = useState(() => today.slice(0, 7));
  const byDay = new Map<string, InboxItemView[]>();
  for (const item of items) {
    const day = hongKongParts(item.internalDue).date;
    byDay.set(day, [...(byDay.get(day) ?? []), item]);
  }
  const monthDays = [...byDay.keys()].filter((day) => day.startsWith(month)).sort();
  const monthName = formatMonth(`${month}-01`, i18n.language);
  const weekdays = weekdayNames(i18n.language);
  const dayName = (day: string) => formatDateWithWeekday(day, i18n.language);

  return (
    <Stack gap="sm" data-testid="due-calendar" data-month={month}>
      <Group justify="space-between">
        <Button variant="default" onClick={() => setMonth(addMonths(month, -1))} data-testid="calendar-previous">
          {t('exchange.calendar.previous')}
        </Button>
        <Title order={2} size="h4" aria-live="polite">
          {monthName}
        </Title>
        <Button variant="default" onClick={() => setMonth(addMonths(month, 1))} data-testid="calendar-next">
          {t('exchange.calendar.next')}
        </Button>
      </Group>
      <Table.ScrollContainer minWidth={720} type="native" tabIndex={0} aria-label={t('exchange.calendar.grid', { month: monthName })}>
        <Table withColumnBorders withTableBorder layout="fixed">
          <Table.Thead>
            <Table.Tr>
              {weekdays.map((name) => (
                <Table.Th key={name}>{name}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {weeksOf(month).map((week, index) => (
              <Table.Tr key={index}>
                {week.map((day, column) => (
                  <Table.Td
                    key={day ?? `empty-${column}`}
                    style={{ verticalAlign: 'top', height: 84, background: day === today ? 'var(--mantine-color-blue-0)' : undefined }}
                  >
                    {day && (
                      <Stack gap={2}>
                        <Text size="xs" fw={day === today ? 700 : 400}>
                          {Number(day.slice(8))}
                        </Text>
                        {(byDay.get(day) ?? []).map((item) => (
                          <Badge
                            key={item.id}
                            component={Link}
                            to={`/exchange/inbox/${item.id}`}
                            color={dueColour(item.dueState)}
                            variant="filled"
                            autoContrast
                            size="sm"
                            style={{ cursor: 'pointer', maxWidth: '100%' }}
                            title={`${item.refNo} ${titleOf(item, i18n.language)} (${t(`exchange.dueState.${item.dueState}`)})`}
                            data-testid="calendar-entry"
                          >
                            {item.refNo}
                          </Badge>
                        ))}
                      </Stack>
                    )}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Title order={2} size="h4">
        {t('exchange.calendar.byDate')}
      </Title>
      {monthDays.length === 0 && <Text size="sm">{t('exchange.calendar.noneThisMonth')}</Text>}
      {monthDays.map((day) => (
        <Paper key={day} withBorder p="sm" data-testid="calendar-day" data-day={day}>
          <Text size="sm" fw={700}>
            {dayName(day)}
          </Text>
          <Stack gap={4} mt={4}>
            {(byDay.get(day) ?? []).map((item) => (
              <Group key={item.id} gap="xs" wrap="nowrap" align="flex-start">
                <DueStateBadge state={item.dueState} />
                <Anchor component={Link} to={`/exchange/inbox/${item.id}`} size="sm">
                  {item.refNo} · {titleOf(item, i18n.language)}
                </Anchor>
              </Group>
            ))}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
