import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { CalendarPeopleSelect } from './CalendarPeopleSelect.js';
import { type ExchangeLinks, PLANNING_KEY, inLanguage } from './CalendarShared.js';

/** Mark a calendar task or a plan step done, with a note of what was done. */
export function CalendarDoneModal({
  title,
  path,
  onClose,
  errorView,
}: {
  title: string | null;
  path: string;
  onClose: () => void;
  /** How a refusal is shown (a plan step's names the steps still open); the shared problem box otherwise. */
  errorView?: (error: unknown) => ReactNode;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const done = useMutation({
    mutationFn: () => api.post(path, note.trim() ? { note: note.trim() } : {}),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: PLANNING_KEY });
      showSuccess(t('planningCalendar.doneSaved'));
      setNote('');
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    done.mutate();
  };
  const close = () => {
    done.reset();
    setNote('');
    onClose();
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened={title !== null}
      onClose={close}
      title={t('planningCalendar.markDone')}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm" fw={700}>
            {title}
          </Text>
          <Textarea
            label={t('planningCalendar.note')}
            minRows={2}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            data-testid="planning-done-note"
          />
          {done.error && errorView ? errorView(done.error) : <FormError error={done.error} />}
          <Button type="submit" loading={done.isPending} data-testid="planning-done-save">
            {t('planningCalendar.markDone')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

interface Editable {
  id: string;
  title: string;
  ownerId: string | null;
  dueOn: string;
  version: number;
  /** Calendar tasks only: the exchange task it is about. */
  exchangeTaskId?: string | null;
}

/** Name an owner, move the due date and (for a calendar task) link the exchange task it is about. */
export function CalendarEditModal({ item, path, onClose }: { item: Editable; path: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [ownerId, setOwnerId] = useState<string | null>(item.ownerId);
  const [dueOn, setDueOn] = useState(item.dueOn);
  const [exchangeTaskId, setExchangeTaskId] = useState<string | null>(item.exchangeTaskId ?? null);
  const withLink = item.exchangeTaskId !== undefined;
  const links = useQuery({
    queryKey: [...PLANNING_KEY, 'exchange-tasks'],
    queryFn: () => api.get<ExchangeLinks>('/api/planning/exchange-tasks'),
    enabled: withLink,
  });
  const save = useMutation({
    mutationFn: () => api.put(path, { ownerId, dueOn, ...(withLink ? { exchangeTaskId } : {}), version: item.version }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: PLANNING_KEY });
      showSuccess(t('planningCalendar.saved'));
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened onClose={onClose} title={t('planningCalendar.edit')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm" fw={700}>
            {item.title}
          </Text>
          <CalendarPeopleSelect value={ownerId} onChange={setOwnerId} testId="planning-owner" />
          <TextInput
            type="date"
            label={t('planningCalendar.dueOn')}
            required
            value={dueOn}
            onChange={(e) => setDueOn(e.currentTarget.value)}
            data-testid="planning-due"
          />
          {withLink && (
            <Select
              label={t('planningCalendar.exchangeTask')}
              placeholder={t('planningCalendar.noExchangeTask')}
              data={(links.data?.tasks ?? []).map((x) => ({
                value: x.id,
                label: `${inLanguage(i18n.language, x.titleZh, x.titleEn)} (${formatDate(x.deadline, i18n.language)})`,
              }))}
              value={exchangeTaskId}
              onChange={setExchangeTaskId}
              clearable
              searchable
              comboboxProps={{ withinPortal: false }}
              data-testid="planning-exchange-task"
            />
          )}
          <FormError error={save.error} />
          <Button type="submit" loading={save.isPending} disabled={!dueOn} data-testid="planning-edit-save">
            {t('planningCalendar.save')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
