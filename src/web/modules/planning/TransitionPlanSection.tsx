import { useState } from 'react';
import { Alert, Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { PageLoader } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { CalendarProgress } from './CalendarTasks.js';
import { CalendarDoneModal, CalendarEditModal } from './CalendarTaskModals.js';
import { DUE_BADGE, PLANNING_KEY, type PlanStep, type Transition } from './CalendarShared.js';

/** A refusal that names steps (a step waiting for others, or others done after it) in words; other problems as usual. */
function StepError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && (error.code === 'step_dependencies_open' || error.code === 'step_dependants_done')) {
    const steps = error.errors
      .map((e) => t(`planningCalendar.steps.${e.path}`, { defaultValue: '' }))
      .join(t('planningCalendar.listSeparator'));
    return (
      <Alert color="red" variant="outline" role="alert" data-testid="form-error" data-code={error.code}>
        <Text size="sm">{t(`errors.${error.code}`)}</Text>
        <Text size="sm">{steps}</Text>
      </Alert>
    );
  }
  return <FormError error={error} />;
}

function StepRow({
  step,
  year,
  canManage,
  onDone,
  onEdit,
}: {
  step: PlanStep;
  year: string;
  canManage: boolean;
  onDone: () => void;
  onEdit: () => void;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const lang = i18n.language;
  const reopen = useMutation({
    mutationFn: () => api.post(`/api/planning/plan/steps/${step.id}/reopen`, {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: PLANNING_KEY }),
  });
  const waiting = step.dependsOn.map((s) => t(`planningCalendar.steps.${s}`)).join(t('planningCalendar.listSeparator'));
  return (
    <Table.Tr data-testid={`plan-step-${step.step}`} data-state={step.dueState} data-ready={step.ready}>
      <Table.Td>
        <Text size="sm" fw={700}>
          {t(`planningCalendar.steps.${step.step}`)}
        </Text>
        {step.dependsOn.length > 0 && <Text size="xs">{t('planningCalendar.plan.after', { steps: waiting })}</Text>}
        {step.step === 'migrate' && (
          <Text size="xs">
            {t('planningCalendar.plan.migrateExplain', { year })}{' '}
            <Anchor component={Link} to="/planning/rollover" size="xs">
              {t('planningCalendar.plan.rolloverLink')}
            </Anchor>
          </Text>
        )}
      </Table.Td>
      <Table.Td>{step.owner ?? t('planningCalendar.nobody')}</Table.Td>
      <Table.Td>{formatDate(step.dueOn, lang)}</Table.Td>
      <Table.Td>
        <StatusBadge status={DUE_BADGE[step.dueState]} labelKey={`planningCalendar.dueState.${step.dueState}`} />
        {step.doneAt && (
          <Text size="xs">
            {t('planningCalendar.doneBy', { who: step.doneBy ?? '', when: formatDateTime(step.doneAt, lang) })}
            {step.note ? ` — ${step.note}` : ''}
          </Text>
        )}
      </Table.Td>
      {canManage && (
        <Table.Td>
          <Group gap="xs" wrap="nowrap">
            {step.step !== 'migrate' &&
              (step.done ? (
                <Button
                  size="compact-sm"
                  variant="default"
                  loading={reopen.isPending}
                  onClick={() => reopen.mutate()}
                  data-testid="plan-step-reopen"
                >
                  {t('planningCalendar.reopen')}
                </Button>
              ) : (
                <Button size="compact-sm" onClick={onDone} data-testid="plan-step-done">
                  {t('planningCalendar.markDone')}
                </Button>
              ))}
            <Button size="compact-sm" variant="default" onClick={onEdit} data-testid="plan-step-edit">
              {t('planningCalendar.edit')}
            </Button>
          </Group>
          <StepError error={reopen.error} />
        </Table.Td>
      )}
    </Table.Tr>
  );
}

/** The transition plan into the next school year: ordered steps with owners and due dates, and its progress. */
export function TransitionPlanSection({ canManage }: { canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const transition = useQuery({ queryKey: [...PLANNING_KEY, 'plan'], queryFn: () => api.get<Transition>('/api/planning/plan') });
  const [ticking, setTicking] = useState<PlanStep | null>(null);
  const [editing, setEditing] = useState<PlanStep | null>(null);
  const start = useMutation({
    mutationFn: (startYear: number) => api.post('/api/planning/plan', { startYear }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: PLANNING_KEY });
      showSuccess(t('planningCalendar.plan.started'));
    },
  });
  if (transition.isPending) return <PageLoader />;
  if (transition.isError) return <FormError error={transition.error} />;
  const { plan, code, startYear } = transition.data;
  return (
    <Stack gap="md" data-testid="transition-plan">
      <Title order={2} size="h4">
        {t('planningCalendar.plan.title', { year: code })}
      </Title>
      <Text size="sm">{t('planningCalendar.plan.explain')}</Text>
      {!plan ? (
        <Stack gap="sm" data-testid="plan-none">
          <Text size="sm">{t('planningCalendar.plan.none', { year: code })}</Text>
          {canManage && (
            <Group>
              <Button loading={start.isPending} onClick={() => start.mutate(startYear)} data-testid="plan-start">
                {t('planningCalendar.plan.start', { year: code })}
              </Button>
            </Group>
          )}
          <FormError error={start.error} />
        </Stack>
      ) : (
        <>
          <Text size="sm">
            {t('planningCalendar.plan.startedBy', { who: plan.createdBy ?? '', when: formatDate(plan.createdAt, i18n.language) })}
          </Text>
          <CalendarProgress progress={plan.progress} testId="plan-progress" />
          <Table.ScrollContainer minWidth={640}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('planningCalendar.plan.step')}</Table.Th>
                  <Table.Th>{t('planningCalendar.owner')}</Table.Th>
                  <Table.Th>{t('planningCalendar.dueOn')}</Table.Th>
                  <Table.Th>{t('planningCalendar.status')}</Table.Th>
                  {canManage && <Table.Th>{t('planningCalendar.actions')}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {plan.steps.map((s) => (
                  <StepRow
                    key={s.id}
                    step={s}
                    year={code}
                    canManage={canManage}
                    onDone={() => setTicking(s)}
                    onEdit={() => setEditing(s)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
      <StepDoneModal step={ticking} onClose={() => setTicking(null)} />
      {editing && (
        <CalendarEditModal
          item={{ ...editing, title: t(`planningCalendar.steps.${editing.step}`) }}
          path={`/api/planning/plan/steps/${editing.id}`}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

/** Marking a step done: the shared done dialog; a refusal names the steps still open before it. */
function StepDoneModal({ step, onClose }: { step: PlanStep | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <CalendarDoneModal
      title={step ? t(`planningCalendar.steps.${step.step}`) : null}
      path={`/api/planning/plan/steps/${step?.id ?? ''}/done`}
      onClose={onClose}
      errorView={(error) => <StepError error={error} />}
    />
  );
}
