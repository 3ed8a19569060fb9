import { useState, type FormEvent } from 'react';
import { Button, Card, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { ROUTINE_KEY, type Routine, type RoutineTask } from './securityShared.js';

const FREQUENCIES = ['daily', 'weekly', 'monthly', 'yearly'] as const;
const STATE_BADGE = { done: 'ok', due: 'attention', late: 'overdue' } as const;

function TickModal({ task, onClose }: { task: RoutineTask | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const done = useMutation({
    mutationFn: () => api.post(`/api/security/routine/${task?.id ?? ''}/done`, note.trim() ? { note: note.trim() } : {}),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ROUTINE_KEY });
      showSuccess(t('securityCentre.routine.ticked'));
      setNote('');
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    done.mutate();
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened={!!task}
      onClose={onClose}
      title={t('securityCentre.routine.tickTitle')}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm" fw={700}>
            {task && (i18n.language === 'en' ? task.titleEn : task.titleZh)}
          </Text>
          <Textarea
            label={t('securityCentre.routine.note')}
            minRows={2}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            data-testid="routine-note"
          />
          <FormError error={done.error} />
          <Button type="submit" loading={done.isPending} data-testid="routine-save">
            {t('securityCentre.routine.tickSave')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

/** Add a task (no `task`) or change one: its words in both languages, how often, and whether it is in the routine. */
function TaskModal({ opened, task, onClose }: { opened: boolean; task: RoutineTask | null; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [titleZh, setTitleZh] = useState(task?.titleZh ?? '');
  const [titleEn, setTitleEn] = useState(task?.titleEn ?? '');
  const [frequency, setFrequency] = useState<string>(task?.frequency ?? 'monthly');
  const [active, setActive] = useState(task?.active ?? true);
  const save = useMutation({
    mutationFn: () => {
      const body = { titleZh: titleZh.trim(), titleEn: titleEn.trim(), frequency };
      return task
        ? api.put(`/api/security/routine/${task.id}`, { ...body, active, version: task.version })
        : api.post('/api/security/routine', body);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ROUTINE_KEY });
      showSuccess(t('securityCentre.routine.saved'));
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened={opened}
      onClose={onClose}
      title={task ? t('securityCentre.routine.edit') : t('securityCentre.routine.add')}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('securityCentre.routine.titleZh')}
            required
            value={titleZh}
            onChange={(e) => setTitleZh(e.currentTarget.value)}
            data-testid="task-title-zh"
          />
          <TextInput
            label={t('securityCentre.routine.titleEn')}
            required
            value={titleEn}
            onChange={(e) => setTitleEn(e.currentTarget.value)}
            data-testid="task-title-en"
          />
          <Select
            label={t('securityCentre.routine.howOften')}
            data={FREQUENCIES.map((f) => ({ value: f, label: t(`securityCentre.routine.frequency.${f}`) }))}
            value={frequency}
            onChange={(v) => setFrequency(v ?? 'monthly')}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
            data-testid="task-frequency"
          />
          {task && (
            <Checkbox label={t('securityCentre.routine.active')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          )}
          <FormError error={save.error} />
          <Button type="submit" loading={save.isPending} disabled={!titleZh.trim() || !titleEn.trim()} data-testid="task-save">
            {t('securityCentre.routine.save')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

/** The system administrator's routine: each task with when it is due, ticked off with a note. */
export function RoutineSection({ canManage }: { canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const routine = useQuery({ queryKey: ROUTINE_KEY, queryFn: () => api.get<Routine>('/api/security/routine') });
  const [ticking, setTicking] = useState<RoutineTask | null>(null);
  const [editing, setEditing] = useState<{ task: RoutineTask | null } | null>(null);
  const lang = i18n.language;
  return (
    <Stack gap="sm" data-testid="routine">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2} size="h4">
            {t('securityCentre.routine.title')}
          </Title>
          <Text size="sm">{t('securityCentre.routine.explain')}</Text>
        </div>
        {canManage && (
          <Button size="compact-sm" variant="default" onClick={() => setEditing({ task: null })} data-testid="routine-add">
            {t('securityCentre.routine.add')}
          </Button>
        )}
      </Group>
      <FormError error={routine.error} />
      {FREQUENCIES.map((f) => {
        const tasks = routine.data?.tasks.filter((task) => task.frequency === f && task.active) ?? [];
        if (!tasks.length) return null;
        return (
          <Stack gap={6} key={f}>
            <Title order={3} size="h6">
              {t(`securityCentre.routine.frequency.${f}`)}
            </Title>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {tasks.map((task) => (
                <Card withBorder padding="sm" key={task.id} data-testid={`routine-task-${task.key ?? task.id}`} data-state={task.state}>
                  <Group justify="space-between" wrap="nowrap" align="flex-start">
                    <Text size="sm" fw={700}>
                      {lang === 'en' ? task.titleEn : task.titleZh}
                    </Text>
                    <StatusBadge status={STATE_BADGE[task.state]} labelKey={`securityCentre.routine.state.${task.state}`} />
                  </Group>
                  <Text size="xs">
                    {t('securityCentre.routine.lastDone')}:{' '}
                    {task.lastDoneAt
                      ? `${formatDateTime(task.lastDoneAt, lang)} ${task.lastDoneBy ?? ''}`
                      : t('securityCentre.routine.never')}{' '}
                    · {t('securityCentre.routine.nextDue')}: {formatDate(task.dueAt, lang)}
                  </Text>
                  {task.lastNote && (
                    <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                      {task.lastNote}
                    </Text>
                  )}
                  {canManage && (
                    <Group gap="xs" mt={6}>
                      <Button size="compact-sm" onClick={() => setTicking(task)} data-testid="routine-tick">
                        {t('securityCentre.routine.tick')}
                      </Button>
                      <Button size="compact-sm" variant="default" onClick={() => setEditing({ task })} data-testid="routine-edit">
                        {t('securityCentre.routine.edit')}
                      </Button>
                    </Group>
                  )}
                </Card>
              ))}
            </SimpleGrid>
          </Stack>
        );
      })}
      <TickModal task={ticking} onClose={() => setTicking(null)} />
      {editing && <TaskModal opened task={editing.task} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
