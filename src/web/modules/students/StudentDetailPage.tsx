import { useState, type FormEvent, type ReactNode } from 'react';
import type { PermissionKey } from '../../../contracts/permissions.js';
import { Anchor, Button, Group, Modal, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ApiError, type RevealResultView, type SchoolClass, type StudentDetailView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { formatDate } from '../../components/format.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { classAndNumber, classesQuery, classOptions } from '../school/shared.js';
import { ContactsSection } from './ContactsSection.js';
import { draftFromStudent, StudentForm, studentFields, type StudentDraft } from './StudentForm.js';

const studentQuery = (id: string) => ({
  queryKey: ['students', 'detail', id],
  queryFn: () => api.get<StudentDetailView>(`/api/students/${id}`),
});

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text data-testid={testId}>{children === '' || children === null ? '—' : children}</Text>
    </div>
  );
}

/** Asks why, shows the full number once, and forgets it when closed (each reveal is audited). */
function RevealModal({ studentId, opened, onClose }: { studentId: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const reveal = useMutation({
    mutationFn: () => api.post<RevealResultView>(`/api/students/${studentId}/reveal-id`, { reason: reason.trim() }),
  });
  const close = () => {
    reveal.reset();
    setReason('');
    setTooShort(false);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim().length < 5) {
      setTooShort(true);
      return;
    }
    setTooShort(false);
    reveal.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={close} title={t('students.revealTitle')}>
      {reveal.data ? (
        <Stack gap="sm">
          <Text size="sm">{t('students.revealedExplain')}</Text>
          <Text size="xl" fw={700} ff="monospace" data-testid="student-id-revealed">
            {reveal.data.idNumber}
          </Text>
          <Button variant="default" onClick={close} data-testid="reveal-close">
            {t('students.hideAgain')}
          </Button>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <Text size="sm">{t('students.revealExplain')}</Text>
            <TextInput
              label={t('students.revealReason')}
              description={t('students.revealReasonHint')}
              required
              value={reason}
              error={tooShort ? t('students.revealReasonTooShort') : undefined}
              onChange={(e) => setReason(e.currentTarget.value)}
              data-testid="reveal-reason"
            />
            <FormError error={reveal.error} />
            <Button type="submit" loading={reveal.isPending} data-testid="reveal-submit">
              {t('students.reveal')}
            </Button>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function EditStudentModal({
  student,
  opened,
  onClose,
  onReload,
}: {
  student: StudentDetailView;
  opened: boolean;
  onClose: () => void;
  onReload: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (draft: StudentDraft) => api.put(`/api/students/${student.id}`, { ...studentFields(draft), version: student.version }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['students'] });
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
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={close} title={t('students.edit')} size="lg">
      {/* Keyed by version: after a reload the form starts again from the other person's changes. */}
      <StudentForm
        key={`${student.id}-${student.version}`}
        mode="edit"
        initial={draftFromStudent(student)}
        classes={[]}
        idMasked={student.idMasked}
        pending={save.isPending}
        error={save.error}
        onSubmit={(draft) => save.mutate(draft)}
        footer={
          conflict && (
            <Button variant="default" onClick={() => void reload()} data-testid="student-reload">
              {t('common.reload')}
            </Button>
          )
        }
      />
    </Modal>
  );
}

function MoveStudentModal({
  studentId,
  classes,
  opened,
  onClose,
}: {
  studentId: string;
  classes: SchoolClass[];
  opened: boolean;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [classId, setClassId] = useState<string | null>(null);
  const [classNumber, setClassNumber] = useState('');
  const [fromDate, setFromDate] = useState('');
  const move = useMutation({
    mutationFn: () => api.post(`/api/students/${studentId}/placement`, { classId, classNumber: Number(classNumber), fromDate }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['students'] });
      await queryClient.invalidateQueries({ queryKey: ['school-classes'] });
      showSuccess(t('students.moved'));
      close();
    },
  });
  const close = () => {
    move.reset();
    setClassId(null);
    setClassNumber('');
    setFromDate('');
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    move.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={close} title={t('students.move')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Select
            label={t('students.class')}
            required
            searchable
            data={classOptions(classes, i18n.language)}
            value={classId}
            onChange={setClassId}
            data-testid="move-class"
          />
          <TextInput
            label={t('students.classNumber')}
            required
            type="number"
            inputMode="numeric"
            min={1}
            max={99}
            value={classNumber}
            onChange={(e) => setClassNumber(e.currentTarget.value)}
            data-testid="move-number"
          />
          <DateField
            label={t('students.fromDate')}
            required
            value={fromDate}
            onChange={(value) => setFromDate(value)}
            data-testid="move-date"
          />
          <FormError error={move.error} />
          <Button type="submit" loading={move.isPending} data-testid="move-submit">
            {t('students.move')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

export function StudentDetailPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const { data: me } = useMe();
  const can = (permission: PermissionKey) => hasPermission(me, permission);
  const detail = useQuery(studentQuery(id));
  const classes = useQuery({ ...classesQuery(undefined), enabled: can('students.manage') });
  const [revealing, setRevealing] = useState(false);
  const [editing, setEditing] = useState(false);
  const [moving, setMoving] = useState(false);

  if (detail.isPending) return <PageLoader />;
  if (detail.isError) {
    return (
      <Stack gap="md">
        <Anchor component={Link} to="/students">
          {t('students.back')}
        </Anchor>
        <FormError error={detail.error} />
      </Stack>
    );
  }
  const student = detail.data;
  const language = i18n.language;
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/students" data-testid="student-back">
        {t('students.back')}
      </Anchor>
      <Group justify="space-between">
        <Title order={1} size="h2" data-testid="student-title">
          {student.nameZh ? `${student.nameZh} ${student.nameEn}` : student.nameEn}
        </Title>
        <Group gap="xs">
          {can('students.manage') && (
            <>
              <Button variant="default" onClick={() => setEditing(true)} data-testid="student-edit">
                {t('students.edit')}
              </Button>
              <Button variant="default" onClick={() => setMoving(true)} data-testid="student-move">
                {t('students.move')}
              </Button>
            </>
          )}
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
        <Field label={t('students.classAndNumber')} testId="student-class">
          {classAndNumber(student.classCode, student.classNumber)}
        </Field>
        <Field label={t('students.regNo')} testId="student-reg-no">
          {student.regNo}
        </Field>
        <Field label={t('students.strn')}>{student.strn ?? ''}</Field>
        <Field label={t('students.nameZh')}>{student.nameZh ?? ''}</Field>
        <Field label={t('students.nameEn')}>{student.nameEn}</Field>
        <Field label={t('students.sex')}>{t(`students.sexes.${student.sex}`)}</Field>
        <Field label={t('students.dateOfBirth')}>{formatDate(student.dateOfBirth, language)}</Field>
        <div>
          <Text size="xs" c="dimmed">
            {t('students.idDocument')}
          </Text>
          <Group gap="xs">
            <Text>{t(`students.idTypes.${student.idType}`)}</Text>
            <Text ff="monospace" data-testid="student-id-masked">
              {student.idMasked}
            </Text>
            {can('students.reveal_id') && (
              <Button size="compact-sm" variant="default" onClick={() => setRevealing(true)} data-testid="student-reveal">
                {t('students.reveal')}
              </Button>
            )}
          </Group>
        </div>
        <Field label={t('students.entryDate')}>{formatDate(student.entryDate, language)}</Field>
        <div>
          <Text size="xs" c="dimmed">
            {t('students.status')}
          </Text>
          <StatusBadge status={student.status} labelKey={`students.statuses.${student.status}`} />
        </div>
        {student.leaveDate && <Field label={t('students.leaveDate')}>{formatDate(student.leaveDate, language)}</Field>}
        {student.leaveReason && <Field label={t('students.leaveReason')}>{student.leaveReason}</Field>}
      </SimpleGrid>
      <ContactsSection studentId={student.id} canManage={can('students.manage')} />
      <Title order={2} size="h3">
        {t('students.history')}
      </Title>
      <Table.ScrollContainer minWidth={480} type="native" tabIndex={0}>
        <Table striped data-testid="student-history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('school.year')}</Table.Th>
              <Table.Th>{t('students.classAndNumber')}</Table.Th>
              <Table.Th>{t('students.fromDate')}</Table.Th>
              <Table.Th>{t('students.toDate')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {student.history.map((placement) => (
              <Table.Tr key={`${placement.yearCode}-${placement.classCode}-${placement.fromDate}`}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{placement.yearCode}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{classAndNumber(placement.classCode, placement.classNumber)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(placement.fromDate, language)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {placement.toDate ? formatDate(placement.toDate, language) : t('students.now')}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {student.history.length === 0 && <Text data-testid="student-history-empty">{t('students.noHistory')}</Text>}
      <RevealModal studentId={student.id} opened={revealing} onClose={() => setRevealing(false)} />
      <EditStudentModal student={student} opened={editing} onClose={() => setEditing(false)} onReload={() => detail.refetch()} />
      <MoveStudentModal studentId={student.id} classes={classes.data?.classes ?? []} opened={moving} onClose={() => setMoving(false)} />
    </Stack>
  );
}
