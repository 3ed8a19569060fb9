import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Badge, Button, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ReturnFileView } from '../../api.js';
import { Pager } from '../../components/Pager.js';

export const ROWS_PER_PAGE = 50;

export interface CellRef {
  file: string;
  /** 1-based, as the problems count rows. */
  row: number;
  column: string;
}
export const cellKey = (c: CellRef): string => `${c.file}:${c.row}:${c.column}`;

export const columnLabel = (t: (key: string, options?: Record<string, unknown>) => string, column: string): string =>
  t(`exchange.columns.${column}`, { defaultValue: column });

function CellEditor({ label, initial, onDone }: { label: string; initial: string; onDone: (value: string | null) => void }) {
  const [value, setValue] = useState(initial);
  const ref = useRef<HTMLInputElement>(null);
  // Enter and Escape finish the edit; the blur that follows when the input goes must not finish it again.
  const finished = useRef(false);
  const finish = (result: string | null) => {
    if (finished.current) return;
    finished.current = true;
    onDone(result);
  };
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      finish(value);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      finish(null);
    }
  };
  return (
    <TextInput
      ref={ref}
      size="xs"
      aria-label={label}
      value={value}
      onChange={(e) => setValue(e.currentTarget.value)}
      onKeyDown={onKeyDown}
      onBlur={() => finish(value)}
      data-testid="cell-input"
      styles={{ input: { minWidth: 90 } }}
    />
  );
}

/** The mark beside a row number: corrected by hand, and whether the student's record was corrected too. */
function CorrectedMark({ row, record }: { row: number; record: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge
      size="xs"
      variant="outline"
      color={record ? 'teal.9' : 'orange.9'}
      style={{ maxWidth: 'none' }}
      aria-label={t(record ? 'corrections.markRecordLabel' : 'corrections.markLabel', { row })}
      data-testid="row-corrected"
      data-record={record}
    >
      {t(record ? 'corrections.markRecord' : 'corrections.mark')}
    </Badge>
  );
}

/**
 * One file of a return as a table, 50 rows a page (a return can have thousands). Cells that break a
 * rule are marked; in a draft the preparer clicks a cell to correct it (Enter keeps, Escape cancels).
 */
export function ReturnTable({
  file,
  problems,
  changed,
  editable,
  offset,
  onOffset,
  focus,
  onEdit,
  onRemoveRow,
  corrected,
}: {
  file: ReturnFileView;
  problems: Set<string>;
  changed: Set<string>;
  editable: boolean;
  offset: number;
  onOffset: (offset: number) => void;
  focus: CellRef | null;
  onEdit: (cell: CellRef, value: string) => void;
  /** Given when rows may be removed (a return the school types in). */
  onRemoveRow?: (row: number) => void;
  /** Rows corrected by hand (row → the student's record corrected too), marked beside the row number. */
  corrected?: ReadonlyMap<number, boolean>;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<CellRef | null>(null);
  const rows = file.rows.slice(offset, offset + ROWS_PER_PAGE);
  return (
    <Stack gap="xs">
      <Table.ScrollContainer
        minWidth={Math.max(560, file.columns.length * 120)}
        type="native"
        tabIndex={0}
        aria-label={t('exchange.return.fileLabel', { file: file.name })}
      >
        <Table striped withColumnBorders data-testid="return-file" data-file={file.name} data-rows={file.rows.length}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th style={{ width: 56 }}>{t('exchange.return.row')}</Table.Th>
              {file.columns.map((column) => (
                <Table.Th key={column}>{columnLabel(t, column)}</Table.Th>
              ))}
              {onRemoveRow && <Table.Th>{t('common.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={file.columns.length + (onRemoveRow ? 2 : 1)}>{t('exchange.return.noRows')}</Table.Td>
              </Table.Tr>
            )}
            {rows.map((row, index) => {
              const rowNumber = offset + index + 1;
              return (
                <Table.Tr key={rowNumber} data-testid="return-row" data-row={rowNumber} data-corrected={corrected?.has(rowNumber) ?? false}>
                  <Table.Td>
                    {rowNumber}
                    {corrected?.has(rowNumber) && <CorrectedMark row={rowNumber} record={corrected.get(rowNumber) ?? false} />}
                  </Table.Td>
                  {file.columns.map((column) => {
                    const cell = { file: file.name, row: rowNumber, column };
                    const key = cellKey(cell);
                    const bad = problems.has(key);
                    const edited = changed.has(key);
                    const focused = focus !== null && cellKey(focus) === key;
                    const value = row[column] ?? '';
                    const label = t('exchange.return.cellLabel', { column: columnLabel(t, column), row: rowNumber });
                    const isEditing = editing !== null && cellKey(editing) === key;
                    return (
                      <Table.Td
                        key={column}
                        data-testid={`cell-${file.name}-${rowNumber}-${column}`}
                        data-problem={bad}
                        data-changed={edited}
                        style={{
                          background: bad ? 'var(--mantine-color-red-1)' : edited ? 'var(--mantine-color-yellow-1)' : undefined,
                          outline: focused ? '2px solid var(--mantine-color-red-9)' : undefined,
                          whiteSpace: 'nowrap',
                        }}
                      >
                        {isEditing ? (
                          <CellEditor
                            label={label}
                            initial={value}
                            onDone={(next) => {
                              setEditing(null);
                              if (next !== null && next !== value) onEdit(cell, next);
                            }}
                          />
                        ) : editable ? (
                          <UnstyledButton
                            onClick={() => setEditing(cell)}
                            aria-label={t('exchange.return.editCell', { cell: label, value: value || t('exchange.return.empty') })}
                            data-testid="cell-edit"
                            style={{ display: 'block', width: '100%', minHeight: 22, fontSize: 'var(--mantine-font-size-sm)' }}
                          >
                            {value ||
                              (bad ? (
                                <Text span size="xs" fw={700} c="red.9">
                                  {t('exchange.return.missing')}
                                </Text>
                              ) : (
                                ''
                              ))}
                          </UnstyledButton>
                        ) : (
                          <Text span size="sm">
                            {value ||
                              (bad ? (
                                <Text span size="xs" fw={700} c="red.9">
                                  {t('exchange.return.missing')}
                                </Text>
                              ) : (
                                ''
                              ))}
                          </Text>
                        )}
                      </Table.Td>
                    );
                  })}
                  {onRemoveRow && (
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="outline"
                        color="red.9"
                        onClick={() => onRemoveRow(rowNumber)}
                        aria-label={t('exchange.return.removeRowNamed', { row: rowNumber })}
                        data-testid="row-remove"
                      >
                        {t('exchange.return.removeRow')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {file.rows.length > ROWS_PER_PAGE && (
        <Pager
          offset={offset}
          shown={rows.length}
          total={file.rows.length}
          pageSize={ROWS_PER_PAGE}
          onChange={onOffset}
          testIdPrefix={`return-${file.name}`}
        />
      )}
    </Stack>
  );
}
