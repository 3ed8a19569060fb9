import { useState } from 'react';
import { Alert, Anchor, Button, Card, Group, Progress, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { PageLoader } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { CalendarDoneModal, CalendarEditModal } from './CalendarTaskModals.js';
import { type Calendar, type CalendarTask, DUE_BADGE, PLANNING_KEY, inLanguage } from './CalendarShared.js';

/** "3 of 9 done, 1 overdue" with a bar: how far a year's work has come. */
export function CalendarProgress({ progress, testId }: { progress: Calendar['progress']; testId: string }) {
  const { t } = useTranslation();
  const share = progress.total ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <Stack gap={4} data-testid={testId} data-done={progress.done} data-total={progress.total} data-overdue={progress.overdue}>
      <Text size="sm">
        {t('planningCalendar.progress', { done: progress.done, total: progress.total })}
        {progress.overdue > 0 && ` · ${t('planningCalendar.overdueCount', { count: progress.overdue })}`}
        {progress.dueSoon > 0 && ` · ${t('planningCalendar.dueSoonCount', { count: progress.dueSoon })}`}
      </Text>
      <Progress value={share} aria-label={t('planningCalendar.progress', { done: progress.done, total: progress.total })} />
    </Stack>
  );
}

function TaskCard({ task, canManage, onDone, onEdit }: { task: CalendarTask; canManage: boolean; onDone: () => void; onEdit: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const lang = i18n.language;
  const reopen = useMutation({
    mutationFn: () => api.post(`/api/planning/tasks/${task.id}/reopen`, {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: PLANNING_KEY }),
  });
  return (
    <Card withBorder padding="sm" data-testid={`calendar-task-${task.key ?? task.id}`} data-state={task.dueState}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm" fw={700}>
          {inLanguage(lang, task.titleZh, task.titleEn)}
        </Text>
        <StatusBadge status={DUE_BADGE[task.dueState]} labelKey={`planningCalendar.dueState.${task.dueState}`} />
      </Group>
      <Text size="xs">
        {t('planningCalendar.dueOn')}: {formatDate(task.dueOn, lang)} · {t('planningCalendar.owner')}:{' '}
        {task.owner ?? t('planningCalendar.nobody')}
      </Text>
      {task.exchangeTask && (
        <Text size="xs">
          {t('planningCalendar.exchangeTask')}:{' '}
          <Anchor component={Link} to={`/exchange/inbox/${task.exchangeTask.id}`} size="xs">
            {inLanguage(lang, task.exchangeTask.titleZh, task.exchangeTask.titleEn)}
          </Anchor>{' '}
          ({t(`exchange.status.${task.exchangeTask.status}`, { defaultValue: '' })})
        </Text>
      )}
      {task.doneAt && (
        <Text size="xs" data-testid="calendar-task-done-by">
          {t('planningCalendar.doneBy', { who: task.doneBy ?? '', when: formatDateTime(task.doneAt, lang) })}
          {task.note ? ` — ${task.note}` : ''}
        </Text>
      )}
      <FormError error={reopen.error} />
      {canManage && (
        <Group gap="xs" mt={6}>
          {task.status === 'open' ? (
            <Button size="compact-sm" onClick={onDone} data-testid="calendar-task-done">
              {t('planningCalendar.markDone')}
            </Button>
          ) : (
            <Button
              size="compact-sm"
              variant="default"
              loading={reopen.isPending}
              onClick={() => reopen.mutate()}
              data-testid="calendar-task-reopen"
            >
              {t('planningCalendar.reopen')}
            </Button>
          )}
          <Button size="compact-sm" variant="default" onClick={onEdit} data-testid="calendar-task-edit">
            {t('planningCalendar.edit')}
          </Button>
        </Group>
      )}
    </Card>
  );
}

/** The year's work calendar by month, September first, with progress overall and per month. */
export function CalendarTasks({ canManage }: { canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [year, setYear] = useState<number | null>(null);
  const calendar = useQuery({
    queryKey: [...PLANNING_KEY, 'calendar', year],
    queryFn: () => api.get<Calendar>(`/api/planning/calendar${year ? `?year=${year}` : ''}`),
  });
  const [ticking, setTicking] = useState<CalendarTask | null>(null);
  const [editing, setEditing] = useState<CalendarTask | null>(null);
  const make = useMutation({
    mutationFn: (startYear: number) => api.post<{ added: number }>('/api/planning/calendar/instantiate', { startYear }),
    onSuccess: async (r) => {
      await queryClient.invalidateQueries({ queryKey: PLANNING_KEY });
      showSuccess(t('planningCalendar.made', { count: r.added }));
    },
  });
  if (calendar.isPending) return <PageLoader />;
  if (calendar.isError) return <FormError error={calendar.error} />;
  const c = calendar.data;
  const lang = i18n.language;
  const years = [c.startYear - 1, c.startYear, c.startYear + 1].map((y) => ({
    value: String(y),
    label: `${y}/${String((y + 1) % 100).padStart(2, '0')}`,
  }));
  return (
    <Stack gap="md" data-testid="calendar">
      <Group justify="space-between" align="flex-end">
        <Select
          label={t('planningCalendar.year')}
          data={years}
          value={String(c.startYear)}
          onChange={(v) => setYear(v ? Number(v) : null)}
          allowDeselect={false}
          comboboxProps={{ withinPortal: false }}
          w={160}
          data-testid="calendar-year"
        />
        {canManage && (
          <Button
            variant={c.instantiated ? 'default' : 'filled'}
            loading={make.isPending}
            onClick={() => make.mutate(c.startYear)}
            data-testid="calendar-make"
          >
            {c.instantiated ? t('planningCalendar.makeMore') : t('planningCalendar.make', { year: c.code })}
          </Button>
        )}
      </Group>
      <FormError error={make.error} />
      {!c.instantiated ? (
        <Alert variant="outline" data-testid="calendar-empty">
          <Text size="sm">{t('planningCalendar.notMade', { year: c.code })}</Text>
        </Alert>
      ) : (
        <CalendarProgress progress={c.progress} testId="calendar-progress" />
      )}
      {c.months
        .filter((m) => m.total > 0)
        .map((m) => (
          <Stack gap={6} key={m.month} data-testid={`calendar-month-${m.month}`}>
            <Group gap="sm">
              <Title order={3} size="h5">
                {t(`planningCalendar.months.${m.month}`)}
              </Title>
              <Text size="sm">{t('planningCalendar.progress', { done: m.done, total: m.total })}</Text>
            </Group>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {c.tasks
                .filter((task) => task.month === m.month)
                .map((task) => (
                  <TaskCard
                    key={task.id}
                    task={task}
                    canManage={canManage}
                    onDone={() => setTicking(task)}
                    onEdit={() => setEditing(task)}
                  />
                ))}
            </SimpleGrid>
          </Stack>
        ))}
      <CalendarDoneModal
        title={ticking ? inLanguage(lang, ticking.titleZh, ticking.titleEn) : null}
        path={`/api/planning/tasks/${ticking?.id ?? ''}/done`}
        onClose={() => setTicking(null)}
      />
      {editing && (
        <CalendarEditModal
          item={{ ...editing, title: inLanguage(lang, editing.titleZh, editing.titleEn) }}
          path={`/api/planning/tasks/${editing.id}`}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}
