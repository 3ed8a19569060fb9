import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, queryString, type Created, type SchoolClass, type StudentListView } from '../../api.js';
import { DataList } from '../../components/DataList.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { Pager } from '../../components/Pager.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { classAndNumber, classesQuery, classOptions } from '../school/shared.js';
import { EMPTY_STUDENT, STUDENT_STATUSES, StudentForm, studentFields, toClassNumber, type StudentDraft } from './StudentForm.js';

const PAGE_SIZE = 50;

interface StudentFilters {
  q: string;
  classId: string | null;
  status: string | null;
}

function CreateStudentModal({ opened, onClose, classes }: { opened: boolean; onClose: () => void; classes: SchoolClass[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  // A new key after each success gives the next student an empty form.
  const [formKey, setFormKey] = useState(0);
  const create = useMutation({
    mutationFn: (draft: StudentDraft) =>
      api.post<Created>('/api/students', {
        ...studentFields(draft),
        classId: draft.classId ?? undefined,
        classNumber: toClassNumber(draft.classNumber),
      }),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['students'] });
      await queryClient.invalidateQueries({ queryKey: ['school-classes'] });
      setFormKey((key) => key + 1);
      showSuccess(t('students.created'));
      onClose();
      void navigate(`/students/${created.id}`);
    },
  });
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={close} title={t('students.create')} size="lg">
      <StudentForm
        key={formKey}
        mode="create"
        initial={EMPTY_STUDENT}
        classes={classes}
        pending={create.isPending}
        error={create.error}
        onSubmit={(draft) => create.mutate(draft)}
      />
    </Modal>
  );
}

export function StudentsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const [draftQ, setDraftQ] = useState('');
  const [filters, setFilters] = useState<StudentFilters>({ q: '', classId: null, status: null });
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const classes = useQuery(classesQuery(undefined));
  const classList = classes.data?.classes ?? [];

  const page = useQuery({
    queryKey: ['students', filters, offset],
    queryFn: () =>
      api.get<StudentListView>(
        `/api/students${queryString({
          q: filters.q.trim(),
          classId: filters.classId ?? undefined,
          status: filters.status ?? undefined,
          limit: PAGE_SIZE,
          offset,
        })}`,
      ),
    placeholderData: keepPreviousData,
  });

  const setFilter = (change: Partial<StudentFilters>) => {
    setFilters((previous) => ({ ...previous, ...change }));
    setOffset(0);
  };
  const search = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ q: draftQ });
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('students.title')}
        </Title>
        {hasPermission(me, 'students.manage') && (
          <Button onClick={() => setCreating(true)} data-testid="student-new">
            {t('students.create')}
          </Button>
        )}
      </Group>
      <form onSubmit={search} noValidate role="search">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          <TextInput
            label={t('students.search')}
            description={t('students.searchHint')}
            type="search"
            value={draftQ}
            onChange={(e) => setDraftQ(e.currentTarget.value)}
            data-testid="student-search"
          />
          <Select
            label={t('students.class')}
            placeholder={t('students.allClasses')}
            clearable
            searchable
            data={classOptions(classList, i18n.language)}
            value={filters.classId}
            onChange={(value) => setFilter({ classId: value })}
            data-testid="student-class-filter"
          />
          <Select
            label={t('students.status')}
            placeholder={t('students.allStatuses')}
            clearable
            data={STUDENT_STATUSES.map((status) => ({ value: status, label: t(`students.statuses.${status}`) }))}
            value={filters.status}
            onChange={(value) => setFilter({ status: value })}
            data-testid="student-status-filter"
          />
          <Group align="flex-end">
            <Button type="submit" data-testid="student-search-submit">
              {t('common.search')}
            </Button>
          </Group>
        </SimpleGrid>
      </form>
      <FormError error={classes.error} testId="classes-error" />
      {page.isPending ? (
        <PageLoader />
      ) : page.isError ? (
        <FormError error={page.error} />
      ) : (
        <>
          <DataList
            testId="students-table"
            rows={page.data.students}
            rowKey={(student) => student.id}
            rowAttributes={(student) => ({ 'data-testid': 'student-row', 'data-reg-no': student.regNo })}
            onRowClick={(student) => void navigate(`/students/${student.id}`)}
            columns={[
              {
                key: 'class',
                header: t('students.classAndNumber'),
                card: 'subtitle',
                nowrap: true,
                cell: (student) => classAndNumber(student.classCode, student.classNumber),
              },
              {
                key: 'regNo',
                header: t('students.regNo'),
                card: 'field',
                nowrap: true,
                // A real link too, so the row can be opened from the keyboard.
                cell: (student) => (
                  <Link to={`/students/${student.id}`} onClick={(e) => e.stopPropagation()}>
                    {student.regNo}
                  </Link>
                ),
              },
              { key: 'strn', header: t('students.strn'), card: 'field', nowrap: true, cell: (student) => student.strn ?? '' },
              {
                key: 'nameZh',
                header: t('students.nameZh'),
                card: 'title',
                nowrap: true,
                testId: 'student-name-zh',
                cell: (student) => student.nameZh ?? '',
              },
              {
                key: 'nameEn',
                header: t('students.nameEn'),
                card: 'title',
                nowrap: true,
                testId: 'student-name-en',
                cell: (student) => student.nameEn,
              },
              {
                key: 'status',
                header: t('students.status'),
                card: 'subtitle',
                cell: (student) => <StatusBadge status={student.status} labelKey={`students.statuses.${student.status}`} />,
              },
              {
                key: 'emergency',
                header: t('particulars.emergencyContact'),
                card: 'field',
                nowrap: true,
                testId: 'student-emergency',
                cell: (student) =>
                  student.emergencyContact
                    ? `${t(`particulars.relationships.${student.emergencyContact.relationship}`)} ${student.emergencyContact.phone ?? ''}`
                    : '',
              },
            ]}
          />
          {page.data.students.length === 0 && <Text>{t('students.none')}</Text>}
          <Pager
            offset={offset}
            shown={page.data.students.length}
            total={page.data.total}
            pageSize={PAGE_SIZE}
            onChange={setOffset}
            testIdPrefix="students"
          />
        </>
      )}
      <CreateStudentModal opened={creating} onClose={() => setCreating(false)} classes={classList} />
    </Stack>
  );
}
