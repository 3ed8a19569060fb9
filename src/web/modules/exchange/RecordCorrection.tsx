import { Alert, Checkbox, List, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError, type ReturnViewData } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { columnLabel } from './ReturnTable.js';

export type Corrections = ReturnViewData['corrections'];

/** The return's columns that are also the student's record (the server checks and writes them as the record screen does). */
const PARTICULARS = new Set(['regNo', 'strn', 'nameEn', 'nameZh', 'sex', 'dateOfBirth']);

/** Rows (by file) whose unsaved corrections change a student's particulars, from the changed cells `file:row:column`. */
export function recordRows(changedCells: ReadonlySet<string>): { file: string; row: number }[] {
  const seen = new Set<string>();
  const out: { file: string; row: number }[] = [];
  for (const key of changedCells) {
    const [file = '', row = '', column = ''] = key.split(':');
    if (!PARTICULARS.has(column) || seen.has(`${file}:${row}`)) continue;
    seen.add(`${file}:${row}`);
    out.push({ file, row: Number(row) });
  }
  return out;
}

/** Which rows of one file were corrected by hand: row → whether the student's record was corrected too. */
export const correctedRowsOf = (corrections: Corrections, file: string): ReadonlyMap<number, boolean> =>
  new Map(corrections.filter((c) => c.file === file).map((c) => [c.row, c.record]));

/** "Also correct the students' records", offered for unsaved corrections of particulars; without the right, said so. */
export function RecordCorrectionOption({
  rows,
  mayCorrect,
  checked,
  onChange,
}: {
  rows: number;
  mayCorrect: boolean;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const { t } = useTranslation();
  if (rows === 0) return null;
  if (!mayCorrect)
    return (
      <Text size="sm" mt="xs" data-testid="record-correction-no-right">
        {t('corrections.noRight')}
      </Text>
    );
  return (
    <Stack gap={4} mt="xs">
      <Checkbox
        label={t('corrections.alsoRecord')}
        checked={checked}
        onChange={(e) => onChange(e.currentTarget.checked)}
        data-testid="record-correction"
      />
      <Text size="xs">{t('corrections.alsoRecordHint', { count: rows })}</Text>
    </Stack>
  );
}

/** A save refused because the student's record refused a correction: each cell and why; anything else as usual. */
export function SaveError({ error, messages }: { error: unknown; messages?: Record<string, string> }) {
  const { t } = useTranslation();
  if (!(error instanceof ApiError) || error.code !== 'record_correction_invalid')
    return <FormError error={error} testId="return-save-error" messages={messages} />;
  return (
    <Alert color="red" variant="outline" role="alert" data-testid="return-save-error" data-code={error.code} mt="xs">
      <Text size="sm">{t('corrections.refusedTitle')}</Text>
      <List size="sm" mt="xs">
        {error.errors.slice(0, 20).map((entry, index) => {
          const [file = '', row = '', column = ''] = entry.path.split(':');
          const problem = t(`corrections.problems.${entry.code}`, {
            defaultValue: t(`zod.${entry.code}`, { defaultValue: t(`errors.${entry.code}`, { defaultValue: t('errors.internal') }) }),
          });
          return (
            <List.Item key={`${entry.path}-${index}`} data-testid="record-correction-refused" data-path={entry.path} data-code={entry.code}>
              {t('corrections.refusedCell', {
                file: t(`exchange.files.${file}`, { defaultValue: file }),
                row,
                column: columnLabel(t, column),
                problem,
              })}
            </List.Item>
          );
        })}
      </List>
    </Alert>
  );
}

/** How many rows were corrected by hand, and how many of those in the student's record too. */
export function CorrectionsNote({ corrections }: { corrections: Corrections }) {
  const { t } = useTranslation();
  if (corrections.length === 0) return null;
  return (
    <Text size="sm" data-testid="return-corrections" data-count={corrections.length}>
      {t('corrections.count', { count: corrections.length, records: corrections.filter((c) => c.record).length })}
    </Text>
  );
}
