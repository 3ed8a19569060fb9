import { useMemo, useState } from 'react';
import { Badge, Button, Checkbox, Group, Modal, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { LEVELS } from '../../../contracts/school.js';
import { RolloverAction } from '../../../contracts/rollover.js';
import { api } from '../../api.js';
import { PageLoader } from '../../components/session.js';
import { type Decision, PLAN_KEY, PREVIEW_KEY, previewQuery, ROLLOVER, type RolloverPlan, RolloverError } from './rolloverShared.js';

const SHOWN = 200;

function DecisionModal({ plan, decision, onClose }: { plan: RolloverPlan; decision: Decision | null; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [action, setAction] = useState<string>(decision?.action ?? 'promote');
  const [classCode, setClassCode] = useState<string | null>(decision?.source === 'manual' ? decision.toClass : null);
  const [reason, setReason] = useState(decision?.reason ?? '');
  const done = async () => {
    await Promise.all([queryClient.invalidateQueries({ queryKey: PREVIEW_KEY }), queryClient.invalidateQueries({ queryKey: PLAN_KEY })]);
    onClose();
  };
  const save = useMutation({
    mutationFn: () =>
      api.put(`${ROLLOVER}/decisions/${decision?.studentId ?? ''}`, {
        action,
        ...(classCode && action !== 'leave' ? { classCode } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      }),
    onSuccess: done,
  });
  const clear = useMutation({ mutationFn: () => api.del(`${ROLLOVER}/decisions/${decision?.studentId ?? ''}`), onSuccess: done });
  return (
    <Modal
      opened={decision !== null}
      onClose={onClose}
      title={t('rollover.decisions.editTitle', { name: decision ? `${decision.regNo} ${decision.nameEn}` : '' })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Stack gap="sm">
        <Select
          label={t('rollover.decisions.action')}
          data={RolloverAction.options.map((a) => ({ value: a, label: t(`rollover.actions.${a}`) }))}
          value={action}
          allowDeselect={false}
          onChange={(v) => setAction(v ?? 'promote')}
          data-testid="rollover-decision-action"
        />
        {action !== 'leave' && (
          <Select
            label={t('rollover.decisions.toClass')}
            placeholder={t('rollover.decisions.ruleClass')}
            data={plan.classes.map((c) => ({ value: c.code, label: `${c.code} (${c.level})` }))}
            value={classCode}
            clearable
            onChange={setClassCode}
            data-testid="rollover-decision-class"
          />
        )}
        <Textarea
          label={t('rollover.decisions.reason')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          data-testid="rollover-decision-reason"
        />
        <RolloverError error={save.error ?? clear.error} testId="rollover-decision-error" />
        <Group>
          <Button loading={save.isPending} onClick={() => save.mutate()} data-testid="rollover-decision-save">
            {t('rollover.decisions.set')}
          </Button>
          {decision?.source === 'manual' && (
            <Button variant="default" loading={clear.isPending} onClick={() => clear.mutate()} data-testid="rollover-decision-clear">
              {t('rollover.decisions.clear')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

/** Every student's decision (the rule's or one set by hand), with filters, and a change with its reason. */
export function RolloverDecisions({ plan, editable }: { plan: RolloverPlan; editable: boolean }) {
  const { t } = useTranslation();
  const preview = useQuery(previewQuery);
  const [level, setLevel] = useState<string | null>(null);
  const [cls, setCls] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [onlyManual, setOnlyManual] = useState(false);
  const [editing, setEditing] = useState<Decision | null>(null);
  const decisions = preview.data?.decisions;
  const classes = useMemo(() => [...new Set((decisions ?? []).flatMap((d) => (d.fromClass ? [d.fromClass] : [])))].sort(), [decisions]);
  const shown = useMemo(() => {
    const s = search.trim().toLowerCase();
    return (decisions ?? []).filter(
      (d) =>
        (!level || d.fromLevel === level) &&
        (!cls || d.fromClass === cls) &&
        (!action || d.action === action) &&
        (!onlyManual || d.source === 'manual') &&
        (!s || d.regNo.toLowerCase().includes(s) || d.nameEn.toLowerCase().includes(s) || (d.nameZh ?? '').includes(s)),
    );
  }, [decisions, level, cls, action, onlyManual, search]);
  if (preview.isPending) return <PageLoader />;
  return (
    <Stack gap="sm">
      <Text size="sm">{t('rollover.decisions.hint')}</Text>
      <RolloverError error={preview.error} />
      <Group gap="sm" align="flex-end">
        <Select
          label={t('rollover.decisions.level')}
          data={[...LEVELS]}
          value={level}
          onChange={setLevel}
          clearable
          w={110}
          data-testid="rollover-filter-level"
        />
        <Select
          label={t('rollover.decisions.class')}
          data={classes}
          value={cls}
          onChange={setCls}
          clearable
          w={110}
          data-testid="rollover-filter-class"
        />
        <Select
          label={t('rollover.decisions.action')}
          placeholder={t('rollover.actions.all')}
          data={RolloverAction.options.map((a) => ({ value: a, label: t(`rollover.actions.${a}`) }))}
          value={action}
          onChange={setAction}
          clearable
          w={150}
          data-testid="rollover-filter-action"
        />
        <TextInput
          label={t('rollover.decisions.search')}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          data-testid="rollover-filter-search"
        />
        <Checkbox
          label={t('rollover.decisions.onlyManual')}
          checked={onlyManual}
          onChange={(e) => setOnlyManual(e.currentTarget.checked)}
        />
      </Group>
      <Text size="sm" data-testid="rollover-decisions-count">
        {t('rollover.decisions.shown', { count: shown.length })}
        {shown.length > SHOWN ? ` ${t('rollover.decisions.more', { shown: SHOWN })}` : ''}
      </Text>
      <Table.ScrollContainer minWidth={760}>
        <Table striped data-testid="rollover-decisions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rollover.decisions.regNo')}</Table.Th>
              <Table.Th>{t('rollover.decisions.name')}</Table.Th>
              <Table.Th>{t('rollover.decisions.from')}</Table.Th>
              <Table.Th>{t('rollover.decisions.action')}</Table.Th>
              <Table.Th>{t('rollover.decisions.to')}</Table.Th>
              <Table.Th>{t('rollover.decisions.source')}</Table.Th>
              <Table.Th>{t('rollover.decisions.reason')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.slice(0, SHOWN).map((d) => (
              <Table.Tr key={d.studentId} data-testid="rollover-decision-row" data-reg-no={d.regNo}>
                <Table.Td>{d.regNo}</Table.Td>
                <Table.Td>
                  {d.nameEn}
                  {d.nameZh ? ` ${d.nameZh}` : ''}
                </Table.Td>
                <Table.Td>{d.fromClass ? `${d.fromClass} ${String(d.fromNumber ?? '').padStart(2, '0')}` : '—'}</Table.Td>
                <Table.Td>
                  {t(`rollover.actions.${d.action}`)}
                  {d.graduates && (
                    <Badge ml="xs" size="sm" variant="light">
                      {t('rollover.decisions.graduates')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td data-testid="rollover-decision-to">
                  {d.toClass ? `${d.toClass} ${String(d.toNumber ?? '').padStart(2, '0')}` : '—'}
                </Table.Td>
                <Table.Td>{t(d.source === 'manual' ? 'rollover.decisions.manual' : 'rollover.decisions.rule')}</Table.Td>
                <Table.Td>{d.reason ?? ''}</Table.Td>
                <Table.Td>
                  {editable && (
                    <Button size="xs" variant="default" onClick={() => setEditing(d)} data-testid="rollover-decision-edit">
                      {t('rollover.decisions.edit')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {editing && <DecisionModal plan={plan} decision={editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
