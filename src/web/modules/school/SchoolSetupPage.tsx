import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Created, type StaffMember, type Year } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { formatDate, hongKongYear } from '../../components/format.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { LEVELS } from '../../../contracts/school.js';
import { allStaffQuery, classesQuery, levelLabel, optional, staffName, subjectsQuery, yearsQuery } from './shared.js';

type Level = (typeof LEVELS)[number];

/** The school year that starts in the next September is the usual one to add. */
function nextStartYear(years: Year[]): number {
  const latest = Math.max(0, ...years.map((year) => Number(year.startsOn.slice(0, 4))).filter(Number.isFinite));
  return latest > 0 ? latest + 1 : hongKongYear();
}

function CreateYearModal({ opened, onClose, years }: { opened: boolean; onClose: () => void; years: Year[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [startYear, setStartYear] = useState<number | string>('');
  const create = useMutation({
    mutationFn: () => api.post<Created>('/api/school/years', { startYear: Number(startYear) }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['school-years'] });
      showSuccess(t('school.yearCreated'));
      close();
    },
  });
  const close = () => {
    create.reset();
    setStartYear('');
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={close} title={t('school.newYear')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <NumberInput
            label={t('school.startYear')}
            description={t('school.startYearHint')}
            required
            min={2000}
            max={2100}
            allowDecimal={false}
            placeholder={String(nextStartYear(years))}
            value={startYear}
            onChange={setStartYear}
            data-testid="year-form-startYear"
          />
          <FormError error={create.error} />
          <Button type="submit" loading={create.isPending} data-testid="year-form-submit">
            {t('school.newYear')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

interface ClassDraft {
  code: string;
  level: Level | null;
  nameZh: string;
  nameEn: string;
  stream: string;
  teacherIds: string[];
}
const EMPTY_CLASS: ClassDraft = { code: '', level: null, nameZh: '', nameEn: '', stream: '', teacherIds: [] };

function CreateClassModal({
  opened,
  onClose,
  yearId,
  staff,
}: {
  opened: boolean;
  onClose: () => void;
  yearId: string;
  staff: StaffMember[];
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<ClassDraft>(EMPTY_CLASS);
  const set = (change: Partial<ClassDraft>) => setDraft((previous) => ({ ...previous, ...change }));
  const create = useMutation({
    mutationFn: () =>
      api.post<Created>('/api/school/classes', {
        yearId,
        code: draft.code.trim(),
        level: draft.level ?? undefined,
        nameZh: draft.nameZh.trim(),
        nameEn: draft.nameEn.trim(),
        stream: optional(draft.stream),
        teacherIds: draft.teacherIds,
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['school-classes'] });
      showSuccess(t('school.classCreated'));
      close();
    },
  });
  const close = () => {
    create.reset();
    setDraft(EMPTY_CLASS);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const teacherOptions = staff
    .filter((member) => member.status !== 'left')
    .map((member) => ({ value: member.id, label: `${staffName(member, i18n.language)} (${member.staffCode})` }));
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={close} title={t('school.newClass')} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <TextInput
              label={t('school.classCode')}
              description={t('school.classCodeHint')}
              required
              autoCapitalize="characters"
              value={draft.code}
              onChange={(e) => set({ code: e.currentTarget.value })}
              data-testid="class-form-code"
            />
            <Select
              label={t('school.level')}
              required
              allowDeselect={false}
              data={LEVELS.map((level) => ({ value: level, label: levelLabel(t, level) }))}
              value={draft.level}
              onChange={(value) => set({ level: LEVELS.find((level) => level === value) ?? null })}
              data-testid="class-form-level"
            />
            <TextInput
              label={t('school.nameZh')}
              required
              value={draft.nameZh}
              onChange={(e) => set({ nameZh: e.currentTarget.value })}
              data-testid="class-form-nameZh"
            />
            <TextInput
              label={t('school.nameEn')}
              required
              value={draft.nameEn}
              onChange={(e) => set({ nameEn: e.currentTarget.value })}
              data-testid="class-form-nameEn"
            />
            <TextInput
              label={t('school.streamOptional')}
              value={draft.stream}
              onChange={(e) => set({ stream: e.currentTarget.value })}
              data-testid="class-form-stream"
            />
          </SimpleGrid>
          <MultiSelect
            label={t('school.classTeachers')}
            description={t('school.classTeachersHint')}
            searchable
            maxValues={5}
            data={teacherOptions}
            value={draft.teacherIds}
            onChange={(teacherIds) => set({ teacherIds })}
            data-testid="class-form-teachers"
          />
          <FormError error={create.error} />
          <Button type="submit" loading={create.isPending} data-testid="class-form-submit">
            {t('school.newClass')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

interface SubjectDraft {
  code: string;
  nameZh: string;
  nameEn: string;
  edbCode: string;
}
const EMPTY_SUBJECT: SubjectDraft = { code: '', nameZh: '', nameEn: '', edbCode: '' };

function CreateSubjectModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<SubjectDraft>(EMPTY_SUBJECT);
  const set = (change: Partial<SubjectDraft>) => setDraft((previous) => ({ ...previous, ...change }));
  const create = useMutation({
    mutationFn: () =>
      api.post<Created>('/api/school/subjects', {
        code: draft.code.trim(),
        nameZh: draft.nameZh.trim(),
        nameEn: draft.nameEn.trim(),
        edbCode: optional(draft.edbCode),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['school-subjects'] });
      showSuccess(t('school.subjectCreated'));
      close();
    },
  });
  const close = () => {
    create.reset();
    setDraft(EMPTY_SUBJECT);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={close} title={t('school.newSubject')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('school.subjectCode')}
            required
            autoCapitalize="characters"
            value={draft.code}
            onChange={(e) => set({ code: e.currentTarget.value })}
            data-testid="subject-form-code"
          />
          <TextInput
            label={t('school.nameZh')}
            required
            value={draft.nameZh}
            onChange={(e) => set({ nameZh: e.currentTarget.value })}
            data-testid="subject-form-nameZh"
          />
          <TextInput
            label={t('school.nameEn')}
            required
            value={draft.nameEn}
            onChange={(e) => set({ nameEn: e.currentTarget.value })}
            data-testid="subject-form-nameEn"
          />
          <TextInput
            label={t('school.edbCodeOptional')}
            autoCapitalize="characters"
            value={draft.edbCode}
            onChange={(e) => set({ edbCode: e.currentTarget.value })}
            data-testid="subject-form-edbCode"
          />
          <FormError error={create.error} />
          <Button type="submit" loading={create.isPending} data-testid="subject-form-submit">
            {t('school.newSubject')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

/** The subjects a class takes this year, with teachers and medium of instruction; adding one while the year is open. */
function ClassSubjectsModal({
  schoolClass,
  onClose,
  canManage,
  yearOpen,
  staff,
  subjects,
}: {
  schoolClass: { id: string; code: string } | null;
  onClose: () => void;
  canManage: boolean;
  yearOpen: boolean;
  staff: StaffMember[];
  subjects: { id: string; code: string; nameZh: string; nameEn: string }[];
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const classId = schoolClass?.id ?? '';
  const list = useQuery({
    queryKey: ['class-subjects', classId],
    queryFn: () =>
      api.get<{ classSubjects: { id: string; subjectId: string; medium: 'chinese' | 'english' | 'mixed'; teacherIds: string[] }[] }>(
        `/api/school/classes/${classId}/subjects`,
      ),
    enabled: classId !== '',
  });
  const [subjectId, setSubjectId] = useState<string | null>(null);
  const [medium, setMedium] = useState<string | null>(null);
  const [teacherIds, setTeacherIds] = useState<string[]>([]);
  const add = useMutation({
    mutationFn: () =>
      api.post<Created>('/api/school/class-subjects', { classId, subjectId: subjectId ?? '', medium: medium ?? '', teacherIds }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['class-subjects', classId] });
      showSuccess(t('school.classSubjectAdded'));
      setSubjectId(null);
      setMedium(null);
      setTeacherIds([]);
    },
  });
  const subjectName = (id: string) => {
    const subject = subjects.find((x) => x.id === id);
    return subject ? `${subject.code} ${i18n.language === 'en' ? subject.nameEn : subject.nameZh}` : '';
  };
  const names = (ids: string[]) =>
    ids
      .map((id) => staff.find((m) => m.id === id))
      .filter((m): m is StaffMember => !!m)
      .map((m) => staffName(m, i18n.language))
      .join('、');
  const close = () => {
    add.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened={schoolClass !== null}
      onClose={close}
      title={`${schoolClass?.code ?? ''} · ${t('school.classSubjects')}`}
      size="lg"
    >
      <Stack gap="sm">
        <FormError error={list.error} />
        <Table.ScrollContainer minWidth={420} type="native" tabIndex={0}>
          <Table striped data-testid="class-subjects-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('school.subjects')}</Table.Th>
                <Table.Th>{t('school.medium')}</Table.Th>
                <Table.Th>{t('school.subjectTeachers')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(list.data?.classSubjects ?? []).map((cs) => (
                <Table.Tr key={cs.id} data-testid="class-subject-row">
                  <Table.Td>{subjectName(cs.subjectId)}</Table.Td>
                  <Table.Td>{t(`school.mediums.${cs.medium}`)}</Table.Td>
                  <Table.Td>{names(cs.teacherIds)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {list.data?.classSubjects.length === 0 && <Text>{t('school.noClassSubjects')}</Text>}
        {canManage && yearOpen && (
          <form onSubmit={submit} noValidate>
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, xs: 2 }}>
                <Select
                  label={t('school.subjects')}
                  required
                  searchable
                  data={subjects.map((x) => ({ value: x.id, label: subjectName(x.id) }))}
                  value={subjectId}
                  onChange={setSubjectId}
                  data-testid="class-subject-subject"
                />
                <Select
                  label={t('school.medium')}
                  required
                  data={(['chinese', 'english', 'mixed'] as const).map((m) => ({ value: m, label: t(`school.mediums.${m}`) }))}
                  value={medium}
                  onChange={setMedium}
                  data-testid="class-subject-medium"
                />
              </SimpleGrid>
              <MultiSelect
                label={t('school.subjectTeachers')}
                searchable
                maxValues={5}
                data={staff
                  .filter((m) => m.status !== 'left')
                  .map((m) => ({ value: m.id, label: `${staffName(m, i18n.language)} (${m.staffCode})` }))}
                value={teacherIds}
                onChange={setTeacherIds}
                data-testid="class-subject-teachers"
              />
              <FormError error={add.error} />
              <Button type="submit" loading={add.isPending} data-testid="class-subject-submit">
                {t('school.addClassSubject')}
              </Button>
            </Stack>
          </form>
        )}
      </Stack>
    </Modal>
  );
}

export function SchoolSetupPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const canManage = hasPermission(me, 'school.setup.manage');
  const [subjectsOf, setSubjectsOf] = useState<{ id: string; code: string } | null>(null);
  const years = useQuery(yearsQuery);
  const yearList = years.data?.years ?? [];
  const [chosenYearId, setChosenYearId] = useState<string | null>(null);
  // Until someone picks a year, show the current one (or the latest, before any is current).
  const selectedYear =
    yearList.find((year) => year.id === chosenYearId) ??
    yearList.find((year) => year.status === 'current') ??
    yearList[yearList.length - 1] ??
    null;
  const classes = useQuery({ ...classesQuery(selectedYear?.id), enabled: selectedYear !== null });
  const subjects = useQuery(subjectsQuery);
  const staff = useQuery({ ...allStaffQuery, enabled: hasPermission(me, 'staff.read') });
  const staffList = staff.data?.staff ?? [];
  const [creatingYear, setCreatingYear] = useState(false);
  const [creatingClass, setCreatingClass] = useState(false);
  const [creatingSubject, setCreatingSubject] = useState(false);

  const [confirmingYear, setConfirmingYear] = useState<Year | null>(null);
  const makeCurrent = useMutation({
    mutationFn: (id: string) => api.post(`/api/school/years/${id}/make-current`, {}),
    onSuccess: async () => {
      setConfirmingYear(null);
      await queryClient.invalidateQueries({ queryKey: ['school-years'] });
      await queryClient.invalidateQueries({ queryKey: ['school-classes'] });
      showSuccess(t('school.madeCurrent'));
    },
  });

  const closeConfirm = () => {
    makeCurrent.reset();
    setConfirmingYear(null);
  };
  const teacherNames = (ids: string[]) =>
    ids
      .map((id) => {
        const member = staffList.find((s) => s.id === id);
        return member ? staffName(member, i18n.language) : null;
      })
      .filter((name): name is string => name !== null)
      .join('、');

  if (years.isPending) return <PageLoader />;
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('school.setupTitle')}
      </Title>
      <FormError error={years.error} />

      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('school.years')}
        </Title>
        {canManage && (
          <Button onClick={() => setCreatingYear(true)} data-testid="year-new">
            {t('school.newYear')}
          </Button>
        )}
      </Group>
      <Table.ScrollContainer minWidth={520} type="native" tabIndex={0}>
        <Table striped data-testid="years-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('school.year')}</Table.Th>
              <Table.Th>{t('school.period')}</Table.Th>
              <Table.Th>{t('school.yearStatus')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {yearList.map((year) => (
              <Table.Tr key={year.id} data-testid="year-row" data-year-code={year.code} data-status={year.status}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{year.code}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {formatDate(year.startsOn, i18n.language)} – {formatDate(year.endsOn, i18n.language)}
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={year.status} labelKey={`school.yearStatuses.${year.status}`} />
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button
                      size="compact-sm"
                      variant={selectedYear?.id === year.id ? 'filled' : 'default'}
                      aria-pressed={selectedYear?.id === year.id}
                      onClick={() => setChosenYearId(year.id)}
                      data-testid="year-select"
                    >
                      {t('school.showClasses')}
                    </Button>
                    {canManage && year.status === 'planned' && (
                      <Button size="compact-sm" variant="default" onClick={() => setConfirmingYear(year)} data-testid="year-make-current">
                        {t('school.makeCurrent')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {yearList.length === 0 && <Text>{t('school.noYears')}</Text>}

      <Group justify="space-between">
        <Title order={2} size="h3">
          {selectedYear ? t('school.classesOf', { year: selectedYear.code }) : t('school.classes')}
        </Title>
        {canManage && selectedYear && selectedYear.status !== 'finished' && (
          <Button onClick={() => setCreatingClass(true)} data-testid="class-new">
            {t('school.newClass')}
          </Button>
        )}
      </Group>
      {selectedYear?.status === 'finished' && <Text size="sm">{t('school.finishedReadOnly')}</Text>}
      <FormError error={classes.error} testId="classes-error" />
      <Table.ScrollContainer minWidth={720} type="native" tabIndex={0}>
        <Table striped data-testid="classes-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('school.classCode')}</Table.Th>
              <Table.Th>{t('school.level')}</Table.Th>
              <Table.Th>{t('school.nameZh')}</Table.Th>
              <Table.Th>{t('school.nameEn')}</Table.Th>
              <Table.Th>{t('school.classTeachers')}</Table.Th>
              <Table.Th>{t('school.studentCount')}</Table.Th>
              <Table.Th>{t('school.classSubjects')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...(classes.data?.classes ?? [])]
              .sort((a, b) => a.code.localeCompare(b.code))
              .map((schoolClass) => (
                <Table.Tr key={schoolClass.id} data-testid="class-row" data-class-code={schoolClass.code}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{schoolClass.code}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{levelLabel(t, schoolClass.level)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{schoolClass.nameZh}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{schoolClass.nameEn}</Table.Td>
                  <Table.Td>{teacherNames(schoolClass.teacherIds)}</Table.Td>
                  <Table.Td>{schoolClass.studentCount}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="light"
                      onClick={() => setSubjectsOf({ id: schoolClass.id, code: schoolClass.code })}
                      data-testid="class-subjects-open"
                    >
                      {t('school.classSubjects')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {classes.data?.classes.length === 0 && <Text>{t('school.noClasses')}</Text>}

      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('school.subjects')}
        </Title>
        {canManage && (
          <Button onClick={() => setCreatingSubject(true)} data-testid="subject-new">
            {t('school.newSubject')}
          </Button>
        )}
      </Group>
      <FormError error={subjects.error} testId="subjects-error" />
      <Table.ScrollContainer minWidth={520} type="native" tabIndex={0}>
        <Table striped data-testid="subjects-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('school.subjectCode')}</Table.Th>
              <Table.Th>{t('school.nameZh')}</Table.Th>
              <Table.Th>{t('school.nameEn')}</Table.Th>
              <Table.Th>{t('school.edbCode')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(subjects.data?.subjects ?? []).map((subject) => (
              <Table.Tr key={subject.id} data-testid="subject-row" data-subject-code={subject.code}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{subject.code}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{subject.nameZh}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{subject.nameEn}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{subject.edbCode ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {subjects.data?.subjects.length === 0 && <Text>{t('school.noSubjects')}</Text>}

      <Modal
        closeButtonProps={{ 'aria-label': t('common.close') }}
        opened={confirmingYear !== null}
        onClose={closeConfirm}
        title={t('school.makeCurrent')}
      >
        <Stack gap="sm">
          <Text size="sm">{t('school.makeCurrentConfirm', { year: confirmingYear?.code ?? '' })}</Text>
          <FormError error={makeCurrent.error} />
          <Group>
            <Button
              loading={makeCurrent.isPending}
              onClick={() => confirmingYear && makeCurrent.mutate(confirmingYear.id)}
              data-testid="year-make-current-confirm"
            >
              {t('school.makeCurrent')}
            </Button>
            <Button variant="default" onClick={closeConfirm}>
              {t('common.cancel')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <CreateYearModal opened={creatingYear} onClose={() => setCreatingYear(false)} years={yearList} />
      {selectedYear && (
        <CreateClassModal opened={creatingClass} onClose={() => setCreatingClass(false)} yearId={selectedYear.id} staff={staffList} />
      )}
      <CreateSubjectModal opened={creatingSubject} onClose={() => setCreatingSubject(false)} />
      <ClassSubjectsModal
        schoolClass={subjectsOf}
        onClose={() => setSubjectsOf(null)}
        canManage={canManage}
        yearOpen={selectedYear?.status !== 'finished'}
        staff={staffList}
        subjects={subjects.data?.subjects ?? []}
      />
    </Stack>
  );
}
