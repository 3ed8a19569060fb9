import { useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { Button, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { useTranslation } from 'react-i18next';
import type { SchoolClass, StudentDetailView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { classOptions, optional } from '../school/shared.js';

type Sex = 'M' | 'F';
type IdType = 'hkid' | 'passport' | 'other';
type StudentStatus = 'on_roll' | 'left' | 'graduated';

export const SEXES: readonly Sex[] = ['M', 'F'];
export const ID_TYPES: readonly IdType[] = ['hkid', 'passport', 'other'];
export const STUDENT_STATUSES: readonly StudentStatus[] = ['on_roll', 'left', 'graduated'];

/** The form as typed: every field text, converted to the request body on submit. */
export interface StudentDraft {
  regNo: string;
  strn: string;
  nameZh: string;
  nameEn: string;
  sex: Sex | null;
  dateOfBirth: string;
  idType: IdType;
  idNumber: string;
  entryDate: string;
  status: StudentStatus;
  leaveDate: string;
  leaveReason: string;
  classId: string | null;
  classNumber: string;
}

export const EMPTY_STUDENT: StudentDraft = {
  regNo: '',
  strn: '',
  nameZh: '',
  nameEn: '',
  sex: null,
  dateOfBirth: '',
  idType: 'hkid',
  idNumber: '',
  entryDate: '',
  status: 'on_roll',
  leaveDate: '',
  leaveReason: '',
  classId: null,
  classNumber: '',
};

/** The id number is never sent to the page in full: an edit starts empty, and empty keeps the stored number. */
export function draftFromStudent(student: StudentDetailView): StudentDraft {
  return {
    regNo: student.regNo,
    strn: student.strn ?? '',
    nameZh: student.nameZh ?? '',
    nameEn: student.nameEn,
    sex: student.sex,
    dateOfBirth: student.dateOfBirth,
    idType: student.idType,
    idNumber: '',
    entryDate: student.entryDate,
    status: student.status,
    leaveDate: student.leaveDate ?? '',
    leaveReason: student.leaveReason ?? '',
    classId: null,
    classNumber: '',
  };
}

/** The fields every student body shares (create and update); `idNumber` only when one was typed. */
export function studentFields(draft: StudentDraft) {
  return {
    regNo: draft.regNo.trim(),
    strn: optional(draft.strn),
    nameZh: optional(draft.nameZh),
    nameEn: draft.nameEn.trim(),
    sex: draft.sex ?? undefined,
    dateOfBirth: draft.dateOfBirth,
    idType: draft.idType,
    idNumber: optional(draft.idNumber),
    entryDate: draft.entryDate,
    status: draft.status,
    leaveDate: optional(draft.leaveDate),
    leaveReason: optional(draft.leaveReason),
  };
}

export const toClassNumber = (text: string): number | undefined => (text.trim() ? Number(text.trim()) : undefined);

interface StudentFormProps {
  mode: 'create' | 'edit';
  initial: StudentDraft;
  /** Classes of the current year, offered when creating. */
  classes: SchoolClass[];
  /** Shown masked above the id number when editing. */
  idMasked?: string;
  pending: boolean;
  error: unknown;
  onSubmit: (draft: StudentDraft) => void;
  /** Below the error: e.g. the reload button after a version conflict. */
  footer?: ReactNode;
}

export function StudentForm({ mode, initial, classes, idMasked, pending, error, onSubmit, footer }: StudentFormProps) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<StudentDraft>(initial);
  const text =
    (
      name: 'regNo' | 'strn' | 'nameZh' | 'nameEn' | 'dateOfBirth' | 'idNumber' | 'entryDate' | 'leaveDate' | 'leaveReason' | 'classNumber',
    ) =>
    (e: ChangeEvent<HTMLInputElement>) =>
      setDay(name)(e.currentTarget.value);
  const setDay =
    (
      name: 'dateOfBirth' | 'entryDate' | 'leaveDate' | 'regNo' | 'strn' | 'nameZh' | 'nameEn' | 'idNumber' | 'leaveReason' | 'classNumber',
    ) =>
    (value: string) =>
      setDraft((previous) => ({ ...previous, [name]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(draft);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput
            label={t('students.regNo')}
            required
            autoCapitalize="characters"
            value={draft.regNo}
            onChange={text('regNo')}
            data-testid="student-form-regNo"
          />
          <TextInput
            label={t('students.strnOptional')}
            autoCapitalize="characters"
            value={draft.strn}
            onChange={text('strn')}
            data-testid="student-form-strn"
          />
          <TextInput
            label={t('students.nameZhOptional')}
            value={draft.nameZh}
            onChange={text('nameZh')}
            data-testid="student-form-nameZh"
          />
          <TextInput
            label={t('students.nameEn')}
            required
            value={draft.nameEn}
            onChange={text('nameEn')}
            data-testid="student-form-nameEn"
          />
          <Select
            label={t('students.sex')}
            required
            allowDeselect={false}
            data={SEXES.map((sex) => ({ value: sex, label: t(`students.sexes.${sex}`) }))}
            value={draft.sex}
            onChange={(value) => setDraft((previous) => ({ ...previous, sex: SEXES.find((sex) => sex === value) ?? null }))}
            data-testid="student-form-sex"
          />
          <DateField
            label={t('students.dateOfBirth')}
            required
            value={draft.dateOfBirth}
            onChange={setDay('dateOfBirth')}
            data-testid="student-form-dateOfBirth"
          />
          <Select
            label={t('students.idType')}
            required
            allowDeselect={false}
            data={ID_TYPES.map((idType) => ({ value: idType, label: t(`students.idTypes.${idType}`) }))}
            value={draft.idType}
            onChange={(value) =>
              setDraft((previous) => ({ ...previous, idType: ID_TYPES.find((idType) => idType === value) ?? previous.idType }))
            }
            data-testid="student-form-idType"
          />
          <TextInput
            label={mode === 'edit' ? t('students.idNumberOptional') : t('students.idNumber')}
            description={mode === 'edit' ? t('students.idNumberAgain', { masked: idMasked ?? '' }) : t('students.idNumberHint')}
            required={mode === 'create'}
            autoCapitalize="characters"
            autoComplete="off"
            value={draft.idNumber}
            onChange={text('idNumber')}
            data-testid="student-form-idNumber"
          />
          <DateField
            label={t('students.entryDate')}
            required
            value={draft.entryDate}
            onChange={setDay('entryDate')}
            data-testid="student-form-entryDate"
          />
          {mode === 'create' ? (
            <>
              <Select
                label={t('students.classOptional')}
                clearable
                searchable
                data={classOptions(classes, i18n.language)}
                value={draft.classId}
                onChange={(value) => setDraft((previous) => ({ ...previous, classId: value }))}
                data-testid="student-form-classId"
              />
              <TextInput
                label={t('students.classNumber')}
                type="number"
                inputMode="numeric"
                min={1}
                max={99}
                value={draft.classNumber}
                onChange={text('classNumber')}
                data-testid="student-form-classNumber"
              />
            </>
          ) : (
            <>
              <Select
                label={t('students.status')}
                required
                allowDeselect={false}
                data={STUDENT_STATUSES.map((status) => ({ value: status, label: t(`students.statuses.${status}`) }))}
                value={draft.status}
                onChange={(value) =>
                  setDraft((previous) => ({ ...previous, status: STUDENT_STATUSES.find((status) => status === value) ?? previous.status }))
                }
                data-testid="student-form-status"
              />
              <DateField
                label={t('students.leaveDateOptional')}
                value={draft.leaveDate}
                onChange={setDay('leaveDate')}
                data-testid="student-form-leaveDate"
              />
              <TextInput
                label={t('students.leaveReasonOptional')}
                value={draft.leaveReason}
                onChange={text('leaveReason')}
                data-testid="student-form-leaveReason"
              />
            </>
          )}
        </SimpleGrid>
        <FormError error={error} messages={{ version_conflict: 'students.versionConflict' }} />
        {footer}
        <Button type="submit" loading={pending} data-testid="student-form-submit">
          {mode === 'create' ? t('students.create') : t('common.save')}
        </Button>
      </Stack>
    </form>
  );
}
