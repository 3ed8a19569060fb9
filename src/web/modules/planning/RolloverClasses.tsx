import { useState } from 'react';
import { ActionIcon, Button, Checkbox, Group, NumberInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { LEVELS } from '../../../contracts/school.js';
import { api } from '../../api.js';
import { showSuccess } from '../../components/notify.js';
import { PLAN_KEY, type PlanClassView, PREVIEW_KEY, ROLLOVER, type RolloverPlan, RolloverError } from './rolloverShared.js';

/** Next year's classes: copied from this year's, then added, removed, renamed, with each one's capacity. */
export function RolloverClasses({ plan, editable }: { plan: RolloverPlan; editable: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<PlanClassView[]>(plan.classes);
  // Which of this year's classes a code's subjects come from (a new code has none to copy).
  const subjectsOf = new Map(plan.classes.flatMap((c) => (c.subjectsFrom ? [[c.code, c.subjectsFrom] as const] : [])));
  const save = useMutation({
    mutationFn: () => api.put(`${ROLLOVER}/classes`, { version: plan.version, classes: rows }),
    onSuccess: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: PLAN_KEY }), queryClient.invalidateQueries({ queryKey: PREVIEW_KEY })]);
      showSuccess(t('rollover.classes.saved'));
    },
  });
  const change = (i: number, patch: Partial<PlanClassView>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const add = () =>
    setRows((rs) => [
      ...rs,
      { code: '', level: rs[rs.length - 1]?.level ?? 'S1', nameZh: '', nameEn: '', stream: null, capacity: 40, subjectsFrom: null },
    ]);
  return (
    <Stack gap="sm">
      <Text size="sm">{t('rollover.classes.hint')}</Text>
      <Table.ScrollContainer minWidth={760}>
        <Table striped data-testid="rollover-classes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rollover.classes.code')}</Table.Th>
              <Table.Th>{t('rollover.classes.level')}</Table.Th>
              <Table.Th>{t('rollover.classes.nameZh')}</Table.Th>
              <Table.Th>{t('rollover.classes.nameEn')}</Table.Th>
              <Table.Th>{t('rollover.classes.capacity')}</Table.Th>
              <Table.Th>{t('rollover.classes.subjects')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r, i) => (
              <Table.Tr key={i} data-testid="rollover-class-row" data-code={r.code}>
                <Table.Td>
                  <TextInput
                    aria-label={t('rollover.classes.code')}
                    value={r.code}
                    disabled={!editable}
                    w={80}
                    onChange={(e) => change(i, { code: e.currentTarget.value.toUpperCase() })}
                    data-testid="rollover-class-code"
                  />
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={t('rollover.classes.level')}
                    data={[...LEVELS]}
                    value={r.level}
                    disabled={!editable}
                    w={90}
                    allowDeselect={false}
                    onChange={(v) => {
                      const level = LEVELS.find((l) => l === v);
                      if (level) change(i, { level });
                    }}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={t('rollover.classes.nameZh')}
                    value={r.nameZh}
                    disabled={!editable}
                    onChange={(e) => change(i, { nameZh: e.currentTarget.value })}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={t('rollover.classes.nameEn')}
                    value={r.nameEn}
                    disabled={!editable}
                    onChange={(e) => change(i, { nameEn: e.currentTarget.value })}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    aria-label={t('rollover.classes.capacity')}
                    value={r.capacity}
                    min={1}
                    max={99}
                    w={90}
                    disabled={!editable}
                    onChange={(v) => change(i, { capacity: typeof v === 'number' ? v : Number(v) || 1 })}
                    data-testid="rollover-class-capacity"
                  />
                </Table.Td>
                <Table.Td>
                  <Checkbox
                    aria-label={t('rollover.classes.subjects')}
                    checked={r.subjectsFrom !== null}
                    disabled={!editable || (r.subjectsFrom === null && !subjectsOf.has(r.code))}
                    onChange={(e) => change(i, { subjectsFrom: e.currentTarget.checked ? (subjectsOf.get(r.code) ?? null) : null })}
                  />
                </Table.Td>
                <Table.Td>
                  {editable && (
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t('rollover.classes.remove', { code: r.code })}
                      onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
                    >
                      ×
                    </ActionIcon>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <RolloverError error={save.error} testId="rollover-classes-error" />
      {editable && (
        <Group>
          <Button variant="default" onClick={add} data-testid="rollover-class-add">
            {t('rollover.classes.add')}
          </Button>
          <Button loading={save.isPending} onClick={() => save.mutate()} data-testid="rollover-classes-save">
            {t('rollover.classes.save')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
