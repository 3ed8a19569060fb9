import { Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { PLANNING_KEY, type People } from './CalendarShared.js';

/** Choose an owner among the people who may see the plan (or nobody). */
export function CalendarPeopleSelect({
  value,
  onChange,
  testId,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const people = useQuery({ queryKey: [...PLANNING_KEY, 'people'], queryFn: () => api.get<People>('/api/planning/people') });
  return (
    <Select
      label={t('planningCalendar.owner')}
      placeholder={t('planningCalendar.nobody')}
      data={(people.data?.people ?? []).map((p) => ({ value: p.id, label: p.name }))}
      value={value}
      onChange={onChange}
      clearable
      searchable
      comboboxProps={{ withinPortal: false }}
      data-testid={testId}
    />
  );
}
