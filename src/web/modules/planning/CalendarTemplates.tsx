import { useState, type FormEvent } from 'react';
import { Badge, Button, Checkbox, Group, Modal, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { PageLoader } from '../../components/session.js';
import { showSuccess } from '../../components/notify.js';
import { CalendarPeopleSelect } from './CalendarPeopleSelect.js';
import { PLANNING_KEY, type Template, type Templates, inLanguage } from './CalendarShared.js';

const MONTHS = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8];

/** Add a template (no `template`) or change one: words in both languages, month and day, owner, and whether it is still in use. */
function TemplateModal({ template, onClose }: { template: Template | null; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [titleZh, setTitleZh] = useState(template?.titleZh ?? '');
  const [titleEn, setTitleEn] = useState(template?.titleEn ?? '');
  const [month, setMonth] = useState(String(template?.month ?? 9));
  const [day, setDay] = useState<number>(template?.day ?? 1);
  const [ownerId, setOwnerId] = useState<string | null>(template?.ownerId ?? null);
  const [active, setActive] = useState(template?.active ?? true);
  const save = useMutation({
    mutationFn: () => {
      const body = { titleZh: titleZh.trim(), titleEn: titleEn.trim(), month: Number(month), day, ownerId };
      return template
        ? api.put(`/api/planning/templates/${template.id}`, { ...body, active, version: template.version })
        : api.post('/api/planning/templates', body);
    },
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
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      title={template ? t('planningCalendar.templates.edit') : t('planningCalendar.templates.add')}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('planningCalendar.templates.titleZh')}
            required
            value={titleZh}
            onChange={(e) => setTitleZh(e.currentTarget.value)}
            data-testid="template-title-zh"
          />
          <TextInput
            label={t('planningCalendar.templates.titleEn')}
            required
            value={titleEn}
            onChange={(e) => setTitleEn(e.currentTarget.value)}
            data-testid="template-title-en"
          />
          <Group grow>
            <Select
              label={t('planningCalendar.templates.month')}
              data={MONTHS.map((m) => ({ value: String(m), label: t(`planningCalendar.months.${m}`) }))}
              value={month}
              onChange={(v) => setMonth(v ?? '9')}
              allowDeselect={false}
              comboboxProps={{ withinPortal: false }}
              data-testid="template-month"
            />
            <NumberInput
              label={t('planningCalendar.templates.day')}
              min={1}
              max={31}
              value={day}
              onChange={(v) => setDay(typeof v === 'number' ? v : Number(v) || 1)}
              data-testid="template-day"
            />
          </Group>
          <CalendarPeopleSelect value={ownerId} onChange={setOwnerId} testId="template-owner" />
          {template && (
            <Checkbox
              label={t('planningCalendar.templates.active')}
              checked={active}
              onChange={(e) => setActive(e.currentTarget.checked)}
              data-testid="template-active"
            />
          )}
          <FormError error={save.error} />
          <Button type="submit" loading={save.isPending} disabled={!titleZh.trim() || !titleEn.trim()} data-testid="template-save">
            {t('planningCalendar.save')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

/** The templates of the year's major tasks, by month: the shipped Hong Kong cycle and the school's own. */
export function CalendarTemplates({ canManage }: { canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const templates = useQuery({ queryKey: [...PLANNING_KEY, 'templates'], queryFn: () => api.get<Templates>('/api/planning/templates') });
  const [editing, setEditing] = useState<{ template: Template | null } | null>(null);
  if (templates.isPending) return <PageLoader />;
  if (templates.isError) return <FormError error={templates.error} />;
  return (
    <Stack gap="sm" data-testid="calendar-templates">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2} size="h4">
            {t('planningCalendar.templates.title')}
          </Title>
          <Text size="sm">{t('planningCalendar.templates.explain')}</Text>
        </div>
        {canManage && (
          <Button size="compact-sm" variant="default" onClick={() => setEditing({ template: null })} data-testid="template-add">
            {t('planningCalendar.templates.add')}
          </Button>
        )}
      </Group>
      <Table.ScrollContainer minWidth={560}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('planningCalendar.templates.when')}</Table.Th>
              <Table.Th>{t('planningCalendar.templates.task')}</Table.Th>
              <Table.Th>{t('planningCalendar.owner')}</Table.Th>
              {canManage && <Table.Th>{t('planningCalendar.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {templates.data.templates.map((tp) => (
              <Table.Tr key={tp.id} data-testid={`template-${tp.key ?? tp.id}`} data-active={tp.active}>
                <Table.Td>
                  {t('planningCalendar.templates.dayOfMonth', { month: t(`planningCalendar.months.${tp.month}`), day: tp.day })}
                </Table.Td>
                <Table.Td>
                  {inLanguage(i18n.language, tp.titleZh, tp.titleEn)}{' '}
                  {!tp.active && (
                    <Badge color="gray.7" variant="outline">
                      {t('planningCalendar.templates.retired')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{tp.owner ?? t('planningCalendar.nobody')}</Table.Td>
                {canManage && (
                  <Table.Td>
                    <Button size="compact-sm" variant="default" onClick={() => setEditing({ template: tp })} data-testid="template-edit">
                      {t('planningCalendar.edit')}
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {editing && <TemplateModal template={editing.template} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
