import { useEffect, useMemo, useState, type InputHTMLAttributes } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  FileInput,
  Group,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Spoiler,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { postWithProgress, type ImportReportView, type UploadProgress } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { hasPermission, useMe } from '../../components/session.js';
import {
  IMPORT_COLUMNS,
  IMPORT_KINDS,
  IMPORT_PERMISSION,
  MAX_IMPORT_BYTES,
  headerLanguage,
  hongKongDay,
  templateCsv,
  toBase64,
  type ImportKindName,
} from './importColumns.js';
import { ExportSection } from './ExportSection.js';

/** At most this many issues are listed; the summary gives the total. */
const ISSUES_SHOWN = 200;

type Step = 'preview' | 'commit';

/** What was sent: the step, and the kind, file and placements' day it was for. */
interface Sent {
  step: Step;
  kind: ImportKindName;
  file: File;
  effectiveDate: string;
}

/** The preview answer, remembered with what it was for (a new file or kind needs a new check). */
interface Checked {
  kind: ImportKindName;
  file: File;
  effectiveDate: string;
  report: ImportReportView;
}

function ImportSummary({ report, testId }: { report: ImportReportView; testId: string }) {
  const { t } = useTranslation();
  const items = [
    ['rows', report.rows],
    ['create', report.create],
    ['update', report.update],
    ['unchanged', report.unchanged],
  ] as const;
  return (
    <SimpleGrid
      cols={{ base: 2, sm: 4 }}
      data-testid={testId}
      data-rows={report.rows}
      data-create={report.create}
      data-update={report.update}
      data-unchanged={report.unchanged}
      data-issues={report.issues.length}
    >
      {items.map(([key, count]) => (
        <Paper key={key} withBorder p="xs">
          <Text size="xs">{t(`importPage.summary.${key}`)}</Text>
          <Text fw={700} size="lg" data-testid={`${testId}-${key}`}>
            {count}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

/** When the file's placements start (students): chosen on the screen, or the school year's first day. */
function PlacementsNote({ report }: { report: ImportReportView }) {
  const { t, i18n } = useTranslation();
  if (report.kind !== 'students') return null;
  return (
    <Text size="sm" data-testid="import-placements" data-count={report.placements} data-from={report.placementsFrom ?? ''}>
      {report.placements > 0 && report.placementsFrom
        ? t('imports.placements', { count: report.placements, date: hongKongDay(report.placementsFrom, i18n.language) })
        : t('imports.noPlacements')}
    </Text>
  );
}

function IssuesTable({ report }: { report: ImportReportView }) {
  const { t } = useTranslation();
  const shown = report.issues.slice(0, ISSUES_SHOWN);
  return (
    <Stack gap="xs">
      <Alert color="red" variant="outline" role="alert" data-testid="import-has-issues">
        <Text size="sm">{t('importPage.issuesFound', { count: report.issues.length })}</Text>
      </Alert>
      <Table.ScrollContainer minWidth={360} type="native" tabIndex={0} aria-label={t('importPage.issuesTable')}>
        <Table striped data-testid="import-issues">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('importPage.issueRow')}</Table.Th>
              <Table.Th>{t('importPage.issueColumn')}</Table.Th>
              <Table.Th>{t('importPage.issueValue')}</Table.Th>
              <Table.Th>{t('importPage.issueReason')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((issue, index) => (
              <Table.Tr
                key={`${issue.row}-${issue.column}-${index}`}
                data-testid="import-issue"
                data-row={issue.row}
                data-code={issue.code}
                data-column={issue.column}
              >
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{issue.row === 0 ? t('importPage.wholeFile') : issue.row}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Code>{issue.column || '—'}</Code>
                </Table.Td>
                <Table.Td style={{ maxWidth: 200, overflowWrap: 'anywhere' }}>
                  {issue.value.length > 80 ? `${issue.value.slice(0, 80)}…` : issue.value}
                </Table.Td>
                <Table.Td>{t(`importIssues.${issue.code}`, { defaultValue: issue.code })}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {report.issues.length > shown.length && (
        <Text size="sm">{t('importPage.moreIssues', { count: report.issues.length - shown.length })}</Text>
      )}
    </Stack>
  );
}

function ImportSection({ kinds }: { kinds: ImportKindName[] }) {
  const { t, i18n } = useTranslation();
  const lang = headerLanguage(i18n.language);
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<ImportKindName>(kinds[0] ?? 'students');
  const [file, setFile] = useState<File | null>(null);
  const [effectiveDate, setEffectiveDate] = useState('');
  const [checked, setChecked] = useState<Checked | null>(null);
  const [done, setDone] = useState<ImportReportView | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const tooLarge = file !== null && file.size > MAX_IMPORT_BYTES;

  // The template is made here, headers only, in the person's language; its link is a blob URL released when either changes.
  const templateUrl = useMemo(
    () => URL.createObjectURL(new Blob([templateCsv(kind, lang)], { type: 'text/csv;charset=utf-8' })),
    [kind, lang],
  );
  useEffect(() => () => URL.revokeObjectURL(templateUrl), [templateUrl]);

  const send = useMutation({
    mutationFn: async ({ step, kind: forKind, file: chosen, effectiveDate: from }: Sent) => {
      setProgress({ phase: 'uploading', fraction: 0 });
      const contentBase64 = toBase64(new Uint8Array(await chosen.arrayBuffer()));
      const body = { fileName: chosen.name, contentBase64, ...(forKind === 'students' && from ? { effectiveDate: from } : {}) };
      return postWithProgress<ImportReportView>(`/api/imports/${forKind}/${step}`, body, setProgress);
    },
    onSuccess: async (report, { step, kind: forKind, file: chosen, effectiveDate: from }) => {
      if (step === 'commit' && report.committed) {
        setChecked(null);
        setDone(report);
        await Promise.all(
          ['students', 'staff', 'school-classes', 'school-class-subjects'].map((key) => queryClient.invalidateQueries({ queryKey: [key] })),
        );
      } else {
        // A commit that found issues (the data changed since the check) shows them like a check does.
        setChecked({ kind: forKind, file: chosen, effectiveDate: from, report });
      }
    },
    onSettled: () => setProgress(null),
  });

  const reset = () => {
    send.reset();
    setChecked(null);
    setDone(null);
  };
  const chooseKind = (value: string | null) => {
    const next = kinds.find((k) => k === value);
    if (!next) return;
    setKind(next);
    reset();
  };
  const chooseFile = (value: File | null) => {
    setFile(value);
    reset();
  };
  const chooseDate = (value: string) => {
    setEffectiveDate(value);
    reset();
  };
  const run = (step: Step) => {
    if (!file || tooLarge) return;
    if (step === 'preview') setChecked(null);
    setDone(null);
    send.mutate({ step, kind, file, effectiveDate });
  };

  const current =
    checked && checked.kind === kind && checked.file === file && checked.effectiveDate === effectiveDate ? checked.report : null;
  const canCommit = current !== null && current.issues.length === 0 && !send.isPending;

  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        {t('importPage.importTitle')}
      </Title>
      <Text size="sm">{t('importPage.importExplain')}</Text>
      <Select
        label={t('importPage.kind')}
        allowDeselect={false}
        data={kinds.map((k) => ({ value: k, label: t(`importPage.kinds.${k}`) }))}
        value={kind}
        onChange={chooseKind}
        data-testid="import-kind"
      />
      <Stack gap={4}>
        <Text size="sm" fw={600}>
          {t('importPage.columnsTitle')}
        </Text>
        <Text size="xs">{t('importPage.columnsExplain')}</Text>
        {/* Students have some forty columns: on a phone the list opens on demand, so the file and the check stay near. */}
        <Spoiler
          maxHeight={420}
          showLabel={t('imports.allColumns', { count: IMPORT_COLUMNS[kind].length })}
          hideLabel={t('imports.fewerColumns')}
          data-testid="import-columns-spoiler"
        >
          <Table.ScrollContainer minWidth={300} type="native" tabIndex={0} aria-label={t('importPage.columnsTitle')}>
            <Table withTableBorder data-testid="import-columns" data-kind={kind}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('importPage.column')}</Table.Th>
                  <Table.Th>{t('importPage.columnNotes')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {IMPORT_COLUMNS[kind].map((column) => (
                  <Table.Tr
                    key={column.name}
                    data-testid="import-column"
                    data-column={column.name}
                    data-zh={column.zh}
                    data-required={column.required !== undefined}
                  >
                    <Table.Td style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                      <Stack gap={4} align="flex-start">
                        <Code aria-label={t(lang === 'zh' ? 'imports.headerZh' : 'imports.headerEn')}>
                          {lang === 'zh' ? column.zh : column.name}
                        </Code>
                        <Code c="dimmed" aria-label={t(lang === 'zh' ? 'imports.headerEn' : 'imports.headerZh')}>
                          {lang === 'zh' ? column.name : column.zh}
                        </Code>
                        {column.required && (
                          <Badge size="xs" color="red" variant="outline" style={{ whiteSpace: 'normal', height: 'auto' }}>
                            {t(column.required === 'key' ? 'importPage.required' : 'imports.requiredNew')}
                          </Badge>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{columnHint(t, kind, column.name)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Spoiler>
        <Anchor href={templateUrl} download={`${kind}-template.csv`} size="sm" data-testid="import-template">
          {t('importPage.template')}
        </Anchor>
      </Stack>
      {kind === 'students' && (
        <DateField
          label={t('imports.effectiveDate')}
          description={t('imports.effectiveDateHint')}
          value={effectiveDate}
          onChange={(value) => chooseDate(value)}
          data-testid="import-effective-date"
        />
      )}
      <FileInput
        label={t('importPage.file')}
        description={t('importPage.fileHint')}
        placeholder={t('importPage.filePlaceholder')}
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        clearable
        clearButtonProps={{ 'aria-label': t('importPage.clearFile') }}
        value={file}
        onChange={chooseFile}
        error={tooLarge ? t('importPage.tooLarge', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }) : undefined}
        data-testid="import-file-button"
        fileInputProps={{ 'data-testid': 'import-file' } as InputHTMLAttributes<HTMLInputElement>}
      />
      <Group>
        <Button
          variant="default"
          disabled={!file || tooLarge}
          loading={send.isPending && send.variables.step === 'preview'}
          onClick={() => run('preview')}
          data-testid="import-preview"
        >
          {t('importPage.check')}
        </Button>
        <Button
          disabled={!canCommit || !file || tooLarge}
          loading={send.isPending && send.variables.step === 'commit'}
          onClick={() => run('commit')}
          data-testid="import-commit"
        >
          {t('importPage.commit')}
        </Button>
      </Group>
      {progress && (
        <Stack gap={4} data-testid="import-progress" data-phase={progress.phase}>
          <Text size="sm" aria-live="polite">
            {progress.phase === 'uploading'
              ? t('importPage.uploading', { percent: Math.round(progress.fraction * 100) })
              : t(send.variables?.step === 'commit' ? 'importPage.writing' : 'importPage.checking')}
          </Text>
          <Progress
            value={progress.phase === 'uploading' ? Math.round(progress.fraction * 100) : 100}
            striped={progress.phase === 'processing'}
            animated={progress.phase === 'processing'}
            aria-label={t('importPage.progress')}
          />
        </Stack>
      )}
      <FormError error={send.error} testId="import-error" />
      {current && (
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            {t('importPage.checkResult', { name: checked?.file.name ?? '' })}
          </Text>
          <ImportSummary report={current} testId="import-summary" />
          <PlacementsNote report={current} />
          {current.issues.length > 0 ? (
            <IssuesTable report={current} />
          ) : (
            <Alert color="blue" variant="outline" data-testid="import-ready">
              <Text size="sm">{t('importPage.ready')}</Text>
            </Alert>
          )}
        </Stack>
      )}
      {done && (
        <Alert
          color="green"
          variant="outline"
          role="status"
          data-testid="import-done"
          data-create={done.create}
          data-update={done.update}
          data-unchanged={done.unchanged}
        >
          <Text size="sm">
            {t('importPage.done', { rows: done.rows, create: done.create, update: done.update, unchanged: done.unchanged })}
          </Text>
        </Alert>
      )}
    </Stack>
  );
}

/** A column's hint; the three guardians' columns share one hint each, with the guardian's number. */
function columnHint(t: TFunction, kind: string, name: string): string {
  const guardian = /^guardian(\d)_(.+)$/.exec(name);
  return guardian
    ? t(`importPage.columnHints.${kind}.guardian_${guardian[2]}`, { n: guardian[1] })
    : t(`importPage.columnHints.${kind}.${name}`);
}

export function ImportExportPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const kinds = IMPORT_KINDS.filter((kind) => hasPermission(me, IMPORT_PERMISSION[kind]));
  const exportStudents = hasPermission(me, 'students.read');
  const exportStaff = hasPermission(me, 'staff.read');
  return (
    <Stack gap="lg" data-testid="import-page">
      <Title order={1} size="h2">
        {t('importPage.title')}
      </Title>
      {kinds.length > 0 && <ImportSection kinds={kinds} />}
      {(exportStudents || exportStaff) && (
        <ExportSection students={exportStudents} staff={exportStaff} classesVisible={hasPermission(me, 'classes.read')} />
      )}
    </Stack>
  );
}
