import { useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { Button, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, queryString, type StaffListView, type StaffMember } from '../../api.js';
import { DataList } from '../../components/DataList.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { formatDate } from '../../components/format.js';
import { Pager } from '../../components/Pager.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { optional } from '../school/shared.js';

type StaffStatus = 'serving' | 'on_leave' | 'left';
const STAFF_STATUSES: readonly StaffStatus[] = ['serving', 'on_leave', 'left'];
const PAGE_SIZE = 50;

interface StaffDraft {
  staffCode: string;
  nameZh: string;
  nameEn: string;
  post: string;
  status: StaffStatus;
  joinDate: string;
  leaveDate: string;
  email: string;
}

const EMPTY_STAFF: StaffDraft = {
  staffCode: '',
  nameZh: '',
  nameEn: '',
  post: '',
  status: 'serving',
  joinDate: '',
  leaveDate: '',
  email: '',
};

const draftFromStaff = (staff: StaffMember): StaffDraft => ({
  staffCode: staff.staffCode,
  nameZh: staff.nameZh ?? '',
  nameEn: staff.nameEn,
  post: staff.post ?? '',
  status: staff.status,
  joinDate: staff.joinDate ?? '',
  leaveDate: staff.leaveDate ?? '',
  email: staff.email ?? '',
});

const staffBody = (draft: StaffDraft) => ({
  staffCode: draft.staffCode.trim(),
  nameZh: optional(draft.nameZh),
  nameEn: draft.nameEn.trim(),
  post: optional(draft.post),
  status: draft.status,
  joinDate: optional(draft.joinDate),
  leaveDate: optional(draft.leaveDate),
  email: optional(draft.email),
});

function StaffForm({
  initial,
  pending,
  error,
  submitLabel,
  onSubmit,
  footer,
}: {
  initial: StaffDraft;
  pending: boolean;
  error: unknown;
  submitLabel: string;
  onSubmit: (draft: StaffDraft) => void;
  footer?: ReactNode;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<StaffDraft>(initial);
  const setValue = (name: Exclude<keyof StaffDraft, 'status'>) => (value: string) =>
    setDraft((previous) => ({ ...previous, [name]: value }));
  const text = (name: Exclude<keyof StaffDraft, 'status'>) => (e: ChangeEvent<HTMLInputElement>) => setValue(name)(e.currentTarget.value);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(draft);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput
            label={t('staff.staffCode')}
            required
            autoCapitalize="characters"
            value={draft.staffCode}
            onChange={text('staffCode')}
            data-testid="staff-form-staffCode"
          />
          <TextInput label={t('staff.nameZhOptional')} value={draft.nameZh} onChange={text('nameZh')} data-testid="staff-form-nameZh" />
          <TextInput label={t('staff.nameEn')} required value={draft.nameEn} onChange={text('nameEn')} data-testid="staff-form-nameEn" />
          <TextInput label={t('staff.postOptional')} value={draft.post} onChange={text('post')} data-testid="staff-form-post" />
          <Select
            label={t('staff.status')}
            required
            allowDeselect={false}
            data={STAFF_STATUSES.map((status) => ({ value: status, label: t(`staff.statuses.${status}`) }))}
            value={draft.status}
            onChange={(value) =>
              setDraft((previous) => ({ ...previous, status: STAFF_STATUSES.find((status) => status === value) ?? previous.status }))
            }
            data-testid="staff-form-status"
          />
          <TextInput
            label={t('staff.emailOptional')}
            type="email"
            value={draft.email}
            onChange={text('email')}
            data-testid="staff-form-email"
          />
          <DateField
            label={t('staff.joinDateOptional')}
            value={draft.joinDate}
            onChange={setValue('joinDate')}
            data-testid="staff-form-joinDate"
          />
          <DateField
            label={t('staff.leaveDateOptional')}
            value={draft.leaveDate}
            onChange={setValue('leaveDate')}
            data-testid="staff-form-leaveDate"
          />
        </SimpleGrid>
        <FormError error={error} messages={{ version_conflict: 'staff.versionConflict' }} />
        {footer}
        <Button type="submit" loading={pending} data-testid="staff-form-submit">
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}

function CreateStaffModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formKey, setFormKey] = useState(0);
  const create = useMutation({
    mutationFn: (draft: StaffDraft) => api.post('/api/staff', staffBody(draft)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['staff'] });
      setFormKey((key) => key + 1);
      showSuccess(t('staff.created'));
      close();
    },
  });
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={close} title={t('staff.create')} size="lg">
      <StaffForm
        key={formKey}
        initial={EMPTY_STAFF}
        pending={create.isPending}
        error={create.error}
        submitLabel={t('staff.create')}
        onSubmit={(draft) => create.mutate(draft)}
      />
    </Modal>
  );
}

function EditStaffModal({
  staff,
  onClose,
  onReload,
}: {
  staff: StaffMember | null;
  onClose: () => void;
  onReload: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: ({ id, version, draft }: { id: string; version: number; draft: StaffDraft }) =>
      api.put(`/api/staff/${id}`, { ...staffBody(draft), version }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['staff'] });
      showSuccess(t('common.saved'));
      close();
    },
  });
  const close = () => {
    save.reset();
    onClose();
  };
  const conflict = save.error instanceof ApiError && save.error.code === 'version_conflict';
  const reload = async () => {
    await onReload();
    save.reset();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={staff !== null} onClose={close} title={t('staff.edit')} size="lg">
      {staff && (
        // Keyed by version: after a reload the form starts again from the other person's changes.
        <StaffForm
          key={`${staff.id}-${staff.version}`}
          initial={draftFromStaff(staff)}
          pending={save.isPending}
          error={save.error}
          submitLabel={t('common.save')}
          onSubmit={(draft) => save.mutate({ id: staff.id, version: staff.version, draft })}
          footer={
            conflict && (
              <Button variant="default" onClick={() => void reload()} data-testid="staff-reload">
                {t('common.reload')}
              </Button>
            )
          }
        />
      )}
    </Modal>
  );
}

export function StaffPage() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const canManage = hasPermission(me, 'staff.manage');
  const [draftQ, setDraftQ] = useState('');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);

  const page = useQuery({
    queryKey: ['staff', 'page', q, status, offset],
    queryFn: () =>
      api.get<StaffListView>(`/api/staff${queryString({ q: q.trim(), status: status ?? undefined, limit: PAGE_SIZE, offset })}`),
    placeholderData: keepPreviousData,
  });
  // Looked up by id so that a reload after a version conflict shows the fresh record.
  const editing = page.data?.staff.find((staff) => staff.id === editingId) ?? null;

  const search = (event: FormEvent) => {
    event.preventDefault();
    setQ(draftQ);
    setOffset(0);
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('staff.title')}
        </Title>
        {canManage && (
          <Button onClick={() => setCreating(true)} data-testid="staff-new">
            {t('staff.create')}
          </Button>
        )}
      </Group>
      <form onSubmit={search} noValidate role="search">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
          <TextInput
            label={t('staff.search')}
            type="search"
            value={draftQ}
            onChange={(e) => setDraftQ(e.currentTarget.value)}
            data-testid="staff-search"
          />
          <Select
            label={t('staff.status')}
            placeholder={t('staff.allStatuses')}
            clearable
            data={STAFF_STATUSES.map((value) => ({ value, label: t(`staff.statuses.${value}`) }))}
            value={status}
            onChange={(value) => {
              setStatus(value);
              setOffset(0);
            }}
            data-testid="staff-status-filter"
          />
          <Group align="flex-end">
            <Button type="submit" data-testid="staff-search-submit">
              {t('common.search')}
            </Button>
          </Group>
        </SimpleGrid>
      </form>
      {page.isPending ? (
        <PageLoader />
      ) : page.isError ? (
        <FormError error={page.error} />
      ) : (
        <>
          <DataList
            testId="staff-table"
            minWidth={760}
            rows={page.data.staff}
            rowKey={(staff) => staff.id}
            rowAttributes={(staff) => ({ 'data-testid': 'staff-row', 'data-staff-code': staff.staffCode })}
            columns={[
              { key: 'code', header: t('staff.staffCode'), card: 'subtitle', nowrap: true, cell: (staff) => staff.staffCode },
              {
                key: 'nameZh',
                header: t('staff.nameZh'),
                card: 'title',
                nowrap: true,
                testId: 'staff-name-zh',
                cell: (staff) => staff.nameZh ?? '',
              },
              {
                key: 'nameEn',
                header: t('staff.nameEn'),
                card: 'title',
                nowrap: true,
                testId: 'staff-name-en',
                cell: (staff) => staff.nameEn,
              },
              { key: 'post', header: t('staff.post'), card: 'subtitle', cell: (staff) => staff.post ?? '' },
              { key: 'email', header: t('staff.email'), card: 'field', cell: (staff) => staff.email ?? '' },
              {
                key: 'join',
                header: t('staff.joinDate'),
                card: 'field',
                nowrap: true,
                cell: (staff) => formatDate(staff.joinDate, i18n.language),
              },
              {
                key: 'status',
                header: t('staff.status'),
                card: 'subtitle',
                cell: (staff) => <StatusBadge status={staff.status} labelKey={`staff.statuses.${staff.status}`} />,
              },
              ...(canManage
                ? [
                    {
                      key: 'actions',
                      header: t('common.actions'),
                      card: 'actions' as const,
                      cell: (staff: (typeof page.data.staff)[number]) => (
                        <Button size="compact-sm" variant="default" onClick={() => setEditingId(staff.id)} data-testid="staff-edit">
                          {t('staff.edit')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          {page.data.staff.length === 0 && <Text>{t('staff.none')}</Text>}
          <Pager
            offset={offset}
            shown={page.data.staff.length}
            total={page.data.total}
            pageSize={PAGE_SIZE}
            onChange={setOffset}
            testIdPrefix="staff"
          />
        </>
      )}
      <CreateStaffModal opened={creating} onClose={() => setCreating(false)} />
      <EditStaffModal staff={editing} onClose={() => setEditingId(null)} onReload={() => page.refetch()} />
    </Stack>
  );
}
