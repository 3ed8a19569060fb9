import type { ReactNode } from 'react';
import { Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useIsPhone } from './phone.js';

/** Where a column goes on a phone's card: the name first, then the line under it, then labelled fields, then the buttons. */
export type CardPlace = 'title' | 'subtitle' | 'field' | 'actions' | 'hidden';

export interface DataColumn<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  card: CardPlace;
  /** Keep the cell on one line in the table. */
  nowrap?: boolean;
  /** data-testid of the cell (table) or the value (card). */
  testId?: string;
  /** More attributes of the cell or the value (data-*), per row. */
  attributes?: (row: T) => Record<string, string | undefined>;
}

interface DataListProps<T> {
  rows: T[];
  columns: DataColumn<T>[];
  rowKey: (row: T) => string;
  /** Attributes of each row and each card (data-testid, data-*), so tests and styles find the same thing at every width. */
  rowAttributes?: (row: T) => Record<string, string | undefined>;
  onRowClick?: (row: T) => void;
  testId?: string;
  /** Below this width the table scrolls inside its box on a tablet; phones get cards. */
  minWidth?: number;
  striped?: boolean;
  /** Shown instead of rows when there are none. */
  empty?: ReactNode;
}

/**
 * The one list of records: a table on a wide screen, and on a phone a card per record with the
 * name first (what a clerk looks people up by), then class and number or state, the other
 * columns as labelled lines, and the row's buttons inside the card, never off-screen.
 */
export function DataList<T>({
  rows,
  columns,
  rowKey,
  rowAttributes,
  onRowClick,
  testId,
  minWidth = 720,
  striped = true,
  empty,
}: DataListProps<T>) {
  const phone = useIsPhone();
  if (phone) {
    const of = (place: CardPlace) => columns.filter((column) => column.card === place);
    const titles = of('title');
    const subtitles = of('subtitle');
    const fields = of('field');
    const actions = of('actions');
    return (
      <Stack gap="xs" data-testid={testId} data-layout="cards" role="list">
        {rows.length === 0 && empty}
        {rows.map((row) => (
          <Paper
            key={rowKey(row)}
            withBorder
            p="sm"
            role="listitem"
            {...rowAttributes?.(row)}
            onClick={onRowClick ? () => onRowClick(row) : undefined}
            style={onRowClick ? { cursor: 'pointer' } : undefined}
          >
            <Stack gap={4}>
              {titles.length > 0 && (
                <Group gap="xs" wrap="wrap" align="baseline">
                  {titles.map((column, index) => (
                    <Text
                      key={column.key}
                      fw={index === 0 ? 700 : 500}
                      size={index === 0 ? 'md' : 'sm'}
                      data-testid={column.testId}
                      {...column.attributes?.(row)}
                    >
                      {column.cell(row)}
                    </Text>
                  ))}
                </Group>
              )}
              {subtitles.length > 0 && (
                <Group gap="xs" wrap="wrap">
                  {subtitles.map((column) => (
                    <Text key={column.key} size="sm" component="div" data-testid={column.testId} {...column.attributes?.(row)}>
                      {column.cell(row)}
                    </Text>
                  ))}
                </Group>
              )}
              {fields.map((column) => (
                <Group key={column.key} gap="xs" wrap="nowrap" align="flex-start">
                  <Text size="xs" c="dimmed" style={{ flex: '0 0 38%' }}>
                    {column.header}
                  </Text>
                  <Text
                    size="sm"
                    component="div"
                    style={{ minWidth: 0, overflowWrap: 'anywhere' }}
                    data-testid={column.testId}
                    {...column.attributes?.(row)}
                  >
                    {column.cell(row)}
                  </Text>
                </Group>
              ))}
              {actions.length > 0 && (
                <Group gap="xs" wrap="wrap" pt={4} onClick={(event) => event.stopPropagation()}>
                  {actions.map((column) => (
                    <div key={column.key} data-testid={column.testId} {...column.attributes?.(row)}>
                      {column.cell(row)}
                    </div>
                  ))}
                </Group>
              )}
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={minWidth} type="native" tabIndex={0}>
      <Table striped={striped} highlightOnHover={!!onRowClick} data-testid={testId} data-layout="table">
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th key={column.key} style={column.nowrap ? { whiteSpace: 'nowrap' } : undefined}>
                {column.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.length === 0 && empty && (
            <Table.Tr>
              <Table.Td colSpan={columns.length}>{empty}</Table.Td>
            </Table.Tr>
          )}
          {rows.map((row) => (
            <Table.Tr
              key={rowKey(row)}
              {...rowAttributes?.(row)}
              onClick={onRowClick ? () => onRowClick(row) : undefined}
              style={onRowClick ? { cursor: 'pointer' } : undefined}
            >
              {columns.map((column) => (
                <Table.Td
                  key={column.key}
                  style={column.nowrap ? { whiteSpace: 'nowrap' } : undefined}
                  data-testid={column.testId}
                  {...column.attributes?.(row)}
                >
                  {column.cell(row)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
