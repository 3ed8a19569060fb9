import { queryOptions } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import {
  api,
  queryString,
  type ClassListView,
  type SchoolClass,
  type StaffListView,
  type StaffMember,
  type SubjectListView,
  type YearListView,
} from '../../api.js';

export const yearsQuery = queryOptions({
  queryKey: ['school-years'],
  queryFn: () => api.get<YearListView>('/api/school/years'),
});

/** Classes of a year; without a year, the server answers for the current one. */
export const classesQuery = (yearId: string | undefined) =>
  queryOptions({
    queryKey: ['school-classes', yearId ?? 'current'],
    queryFn: () => api.get<ClassListView>(`/api/school/classes${queryString({ yearId })}`),
  });

export const subjectsQuery = queryOptions({
  queryKey: ['school-subjects'],
  queryFn: () => api.get<SubjectListView>('/api/school/subjects'),
});

/** Everyone on the staff list, for choosing class teachers (under the `staff` key so edits refresh it). */
export const allStaffQuery = queryOptions({
  queryKey: ['staff', 'all'],
  queryFn: () => api.get<StaffListView>(`/api/staff${queryString({ limit: 500 })}`),
});

/** Trimmed text, or undefined so that an empty optional field is left out of the body. */
export const optional = (text: string): string | undefined => (text.trim() ? text.trim() : undefined);

export const byLanguage = (language: string, zh: string | null, en: string): string => (language === 'en' ? en : (zh ?? en));

export const className = (schoolClass: SchoolClass, language: string): string =>
  byLanguage(language, schoolClass.nameZh, schoolClass.nameEn);

export const staffName = (staff: StaffMember, language: string): string => byLanguage(language, staff.nameZh, staff.nameEn);

/** Options for a class select: `5D 中五丁`, ordered by code. */
export function classOptions(classes: SchoolClass[], language: string): { value: string; label: string }[] {
  return [...classes]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((schoolClass) => ({ value: schoolClass.id, label: `${schoolClass.code} ${className(schoolClass, language)}` }));
}

/** `5D 06`: the class code and a two-digit class number. */
export function classAndNumber(classCode: string | null, classNumber: number | null): string {
  if (!classCode) return '';
  return classNumber === null ? classCode : `${classCode} ${String(classNumber).padStart(2, '0')}`;
}

export const levelLabel = (t: TFunction, level: string): string => t(`school.levels.${level}`, { defaultValue: level });
