import { useState } from 'react';
import { Alert, Button, Group, Progress, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { JobView } from '../../../contracts/jobs.js';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatTime } from '../../components/format.js';
import { headerLanguage } from './importColumns.js';
import { classesQuery, classOptions } from './shared.js';

type Job = z.infer<typeof JobView>;
type Format = 'csv' | 'xlsx';

/** How often a running export is asked for its progress. */
const POLL_MS = 400;

/**
 * One export, run in the background: the buttons start it, a progress bar follows it, and the file is
 * downloaded from the finished job (kept for the person who asked for a few minutes). A failure is
 * said in the person's language, with a way to start again.
 */
function ExportJob({ kind, body, testId }: { kind: 'students' | 'staff'; body: Record<string, string | undefined>; testId: string }) {
  const { t } = useTranslation();
  const [jobId, setJobId] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const start = useMutation({
    mutationFn: (format: Format) => api.post<Job>(`/api/jobs/${kind}-export`, { ...body, format }),
    // A new export replaces the last one on the screen (its file stays downloadable by its own link until it expires).
    onMutate: () => setJobId(null),
    // The bar shows at once, from the job as queued; polling takes it from there.
    onSuccess: (job) => {
      queryClient.setQueryData(['job', job.id], job);
      setJobId(job.id);
    },
  });
  const job = useQuery({
    queryKey: ['job', jobId],
    queryFn: () => api.get<Job>(`/api/jobs/${jobId ?? ''}`),
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data && ['done', 'failed'].includes(q.state.data.status) ? false : POLL_MS),
  });
  const current = jobId ? job.data : undefined;
  const moving = start.isPending || current?.status === 'queued' || current?.status === 'running';
  const percent = current && current.total > 0 ? Math.round((100 * current.done) / current.total) : 0;
  return (
    <Stack gap="xs" data-testid={testId}>
      <Group gap="xs">
        {(['csv', 'xlsx'] as const).map((format) => (
          <Button key={format} variant="default" onClick={() => start.mutate(format)} disabled={moving} data-testid={`${testId}-${format}`}>
            {t(format === 'csv' ? 'importPage.downloadCsv' : 'importPage.downloadXlsx')}
          </Button>
        ))}
      </Group>
      <FormError error={start.error ?? job.error} testId={`${testId}-error`} />
      {moving && (
        <Stack
          gap={4}
          role="status"
          aria-live="polite"
          data-testid={`${testId}-progress`}
          data-done={current?.done ?? 0}
          data-total={current?.total ?? 0}
        >
          <Text size="sm">
            {current && current.total > 0
              ? t('exportJobs.progress', { done: current.done.toLocaleString(), total: current.total.toLocaleString() })
              : t('exportJobs.preparing')}
          </Text>
          <Progress value={percent} animated aria-label={t('exportJobs.progressLabel')} />
        </Stack>
      )}
      {current?.status === 'done' && current.fileName && (
        <Alert color="green" variant="outline" role="status" data-testid={`${testId}-ready`}>
          <Stack gap="xs">
            <Text size="sm">{t('exportJobs.ready', { rows: current.total.toLocaleString(), time: formatTime(current.expiresAt) })}</Text>
            <Group>
              <Button component="a" href={`/api/jobs/${current.id}/file`} download={current.fileName} data-testid={`${testId}-download`}>
                {t('exportJobs.download', { name: current.fileName })}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {current?.status === 'done' && !current.fileName && (
        <Text size="sm" c="dimmed" data-testid={`${testId}-expired`}>
          {t('errors.job_expired')}
        </Text>
      )}
      {current?.status === 'failed' && (
        <Alert color="red" variant="outline" role="alert" data-testid={`${testId}-failed`} data-code={current.errorCode ?? 'internal'}>
          <Text size="sm">
            {t('exportJobs.failed')} {t(`errors.${current.errorCode ?? 'internal'}`, { defaultValue: t('errors.internal') })}
          </Text>
        </Alert>
      )}
    </Stack>
  );
}

/** Exports of students (all, or one class) and staff, as the import's own columns, in the person's language. */
export function ExportSection({ students, staff, classesVisible }: { students: boolean; staff: boolean; classesVisible: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = headerLanguage(i18n.language);
  const [classId, setClassId] = useState<string | null>(null);
  const classes = useQuery({ ...classesQuery(undefined), enabled: students && classesVisible });
  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        {t('importPage.exportTitle')}
      </Title>
      <Alert color="gray" variant="outline" data-testid="export-note">
        <Text size="sm">{t('importPage.exportNote')}</Text>
        <Text size="sm">{t('imports.exportLanguage')}</Text>
      </Alert>
      {students && (
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            {t('importPage.exportStudents')}
          </Text>
          {classesVisible && (
            <Select
              label={t('importPage.exportClass')}
              placeholder={t('students.allClasses')}
              clearable
              searchable
              data={classOptions(classes.data?.classes ?? [], i18n.language)}
              value={classId}
              onChange={setClassId}
              data-testid="export-class"
            />
          )}
          <ExportJob kind="students" body={{ lang, classId: classId ?? undefined }} testId="export-students" />
        </Stack>
      )}
      {staff && (
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            {t('importPage.exportStaff')}
          </Text>
          <ExportJob kind="staff" body={{ lang }} testId="export-staff" />
        </Stack>
      )}
    </Stack>
  );
}
