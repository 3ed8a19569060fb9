import { type InputHTMLAttributes, useState } from 'react';
import { Alert, Button, FileInput, Group, Progress, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { type ImportReportView, postWithProgress, type UploadProgress } from '../../api.js';
import { toBase64 } from '../school/importColumns.js';
import { PREVIEW_KEY, ROLLOVER, RolloverError } from './rolloverShared.js';

/** The new intake from the allocation list, through the school records' importer: check the file, then admit. */
export function RolloverIntake({ editable }: { editable: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReportView | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const send = useMutation({
    mutationFn: async ({ step, chosen }: { step: 'preview' | 'commit'; chosen: File }) => {
      setProgress({ phase: 'uploading', fraction: 0 });
      const contentBase64 = toBase64(new Uint8Array(await chosen.arrayBuffer()));
      return postWithProgress<ImportReportView>(`${ROLLOVER}/intake/${step}`, { fileName: chosen.name, contentBase64 }, setProgress);
    },
    onSuccess: async (r) => {
      setReport(r);
      if (r.committed) await queryClient.invalidateQueries({ queryKey: PREVIEW_KEY });
    },
    onSettled: () => setProgress(null),
  });
  const run = (step: 'preview' | 'commit') => {
    if (file) send.mutate({ step, chosen: file });
  };
  const clean = report !== null && report.issues.length === 0;
  return (
    <Stack gap="sm">
      <Text size="sm">{t('rollover.intake.hint')}</Text>
      <FileInput
        label={t('rollover.intake.file')}
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        clearable
        clearButtonProps={{ 'aria-label': t('importPage.clearFile') }}
        value={file}
        disabled={!editable}
        onChange={(f) => {
          setFile(f);
          setReport(null);
          send.reset();
        }}
        fileInputProps={{ 'data-testid': 'rollover-intake-file' } as InputHTMLAttributes<HTMLInputElement>}
      />
      {editable && (
        <Group>
          <Button
            variant="default"
            disabled={!file}
            loading={send.isPending && send.variables.step === 'preview'}
            onClick={() => run('preview')}
            data-testid="rollover-intake-check"
          >
            {t('rollover.intake.check')}
          </Button>
          <Button
            disabled={!file || !clean || report.committed}
            loading={send.isPending && send.variables.step === 'commit'}
            onClick={() => run('commit')}
            data-testid="rollover-intake-commit"
          >
            {t('rollover.intake.commit')}
          </Button>
        </Group>
      )}
      {progress && (
        <Stack gap={4} data-testid="rollover-intake-progress">
          <Text size="sm" aria-live="polite">
            {progress.phase === 'uploading'
              ? t('importPage.uploading', { percent: Math.round(progress.fraction * 100) })
              : t('rollover.working')}
          </Text>
          <Progress
            value={progress.phase === 'uploading' ? Math.round(progress.fraction * 100) : 100}
            striped={progress.phase === 'processing'}
            animated={progress.phase === 'processing'}
            aria-label={t('importPage.progress')}
          />
        </Stack>
      )}
      <RolloverError error={send.error} />
      {report && clean && (
        <Alert color="green" variant="light" data-testid="rollover-intake-result">
          {report.committed ? t('rollover.intake.done', { count: report.create }) : t('rollover.intake.checked', { count: report.create })}
        </Alert>
      )}
      {report && !clean && (
        <Stack gap="xs" data-testid="rollover-intake-issues">
          <Text fw={700}>{t('rollover.intake.issues')}</Text>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rollover.intake.row')}</Table.Th>
                <Table.Th>{t('rollover.intake.column')}</Table.Th>
                <Table.Th>{t('rollover.intake.problem')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.issues.map((issue, i) => (
                <Table.Tr key={`${issue.row}-${issue.column}-${i}`}>
                  <Table.Td>{issue.row || ''}</Table.Td>
                  <Table.Td>{issue.column}</Table.Td>
                  <Table.Td>{t(`importIssues.${issue.code}`, { defaultValue: t('errors.import_invalid') })}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Stack>
  );
}
