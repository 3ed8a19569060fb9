import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Checkbox, Group, Modal, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import {
  api,
  type Created,
  type HandoverItem,
  type HandoverPlan,
  type HandoverPlanListView,
  type HandoverPlanSummary,
  type UserListView,
} from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, hongKongToday } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { userLabel } from './permissions.js';

const PLANS_KEY = ['handover-plans'] as const;
const STATUS_COLOUR: Record<HandoverPlanSummary['status'], string> = {
  draft: 'planned',
  approved: 'ok',
  applied: 'ok',
  cancelled: 'cancelled',
};

function HandoverStatus({ status }: { status: HandoverPlanSummary['status'] }) {
  return <StatusBadge status={STATUS_COLOUR[status]} labelKey={`handover.statuses.${status}`} />;
}

function useActiveUsers() {
  return useQuery({ queryKey: ['admin-users'], queryFn: () => api.get<UserListView>('/api/admin/users') });
}

function NewPlanModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const users = useActiveUsers();
  const [userId, setUserId] = useState<string | null>(null);
  const [reason, setReason] = useState<'leaving' | 'duty_change'>('leaving');
  const [effectiveOn, setEffectiveOn] = useState(() => hongKongToday());
  const [disableAccount, setDisableAccount] = useState(true);
  const create = useMutation({
    mutationFn: () =>
      api.post<Created>('/api/handover/plans', {
        userId,
        reason,
        effectiveOn,
        disableAccount: reason === 'leaving' ? disableAccount : false,
      }),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: PLANS_KEY });
      showSuccess(t('handover.created'));
      onClose();
      void navigate(`/admin/handover/${created.id}`);
    },
  });
  const people = (users.data?.users ?? [])
    .filter((u) => u.status === 'active' && u.id !== me?.user.id)
    .map((u) => ({ value: u.id, label: userLabel(u) }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (userId) create.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened onClose={onClose} title={t('handover.newTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Select
            label={t('handover.person')}
            required
            searchable
            data={people}
            value={userId}
            onChange={setUserId}
            comboboxProps={{ withinPortal: false }}
            data-testid="handover-form-user"
          />
          <Select
            label={t('handover.reason')}
            allowDeselect={false}
            data={(['leaving', 'duty_change'] as const).map((v) => ({ value: v, label: t(`handover.reasons.${v}`) }))}
            value={reason}
            onChange={(value) => value && setReason(value === 'duty_change' ? 'duty_change' : 'leaving')}
            comboboxProps={{ withinPortal: false }}
            data-testid="handover-form-reason"
          />
          <DateField
            label={t('handover.effectiveOn')}
            required
            value={effectiveOn}
            onChange={(value) => setEffectiveOn(value)}
            data-testid="handover-form-date"
          />
          {reason === 'leaving' && (
            <Checkbox
              label={t('handover.disableAccount')}
              checked={disableAccount}
              onChange={(e) => setDisableAccount(e.currentTarget.checked)}
              data-testid="handover-form-disable"
            />
          )}
          <FormError error={create.error ?? users.error} />
          <Button
            type="submit"
            disabled={!userId || !/^\d{4}-\d{2}-\d{2}$/.test(effectiveOn)}
            loading={create.isPending}
            data-testid="handover-form-submit"
          >
            {t('handover.submit')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

/** Handover plans (memo U3): what a leaving or moving person holds, and who takes each thing over. */
export function HandoverPage() {
  const { t, i18n } = useTranslation();
  const [creating, setCreating] = useState(false);
  const plans = useQuery({ queryKey: PLANS_KEY, queryFn: () => api.get<HandoverPlanListView>('/api/handover/plans') });

  if (plans.isPending) return <PageLoader />;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('handover.title')}
        </Title>
        <Button onClick={() => setCreating(true)} data-testid="handover-new">
          {t('handover.new')}
        </Button>
      </Group>
      <Text size="sm">{t('handover.explain')}</Text>
      <FormError error={plans.error} />
      {plans.data && (
        <Table.ScrollContainer minWidth={640} type="native" tabIndex={0} aria-label={t('handover.title')}>
          <Table striped data-testid="handover-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('handover.person')}</Table.Th>
                <Table.Th>{t('handover.reason')}</Table.Th>
                <Table.Th>{t('handover.effectiveOn')}</Table.Th>
                <Table.Th>{t('handover.status')}</Table.Th>
                <Table.Th>{t('handover.progress')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {plans.data.plans.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>{t('handover.noPlans')}</Table.Td>
                </Table.Tr>
              )}
              {plans.data.plans.map((plan) => (
                <Table.Tr
                  key={plan.id}
                  data-testid="handover-row"
                  data-status={plan.status}
                  data-username={plan.username}
                  data-plan-id={plan.id}
                >
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/handover/${plan.id}`} size="sm" fw={600} data-testid="handover-open">
                      {`${plan.displayName} (${plan.username})`}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t(`handover.reasons.${plan.reason}`)}</Table.Td>
                  <Table.Td>{formatDate(plan.effectiveOn, i18n.language)}</Table.Td>
                  <Table.Td>
                    <HandoverStatus status={plan.status} />
                  </Table.Td>
                  <Table.Td data-testid="handover-progress">{`${plan.assigned} / ${plan.itemCount}`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {creating && <NewPlanModal onClose={() => setCreating(false)} />}
    </Stack>
  );
}

const itemLabel = (item: HandoverItem, language: string) => (language === 'en' ? item.labelEn : item.labelZh);

/** One handover plan: every holding with its successor, and the approval. */
export function HandoverDetailPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const users = useActiveUsers();
  const [allSuccessor, setAllSuccessor] = useState<string | null>(null);
  const detail = useQuery({
    queryKey: ['handover-plan', id],
    queryFn: () => api.get<HandoverPlan>(`/api/handover/plans/${id}`),
    enabled: id !== '',
  });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['handover-plan', id] }),
      queryClient.invalidateQueries({ queryKey: PLANS_KEY }),
    ]);
  const assign = useMutation({
    mutationFn: async ({ itemIds, successorId }: { itemIds: string[]; successorId: string }) => {
      for (const itemId of itemIds) await api.put(`/api/handover/plans/${id}/items/${itemId}`, { successorId });
    },
    onSettled: refresh,
    onSuccess: () => showSuccess(t('handover.successorSaved')),
  });
  const approve = useMutation({
    mutationFn: () => api.post(`/api/handover/plans/${id}/approve`),
    onSuccess: async () => {
      await refresh();
      showSuccess(t('handover.approved'));
    },
  });

  if (detail.isPending) return <PageLoader />;
  if (!detail.data) return <FormError error={detail.error} />;
  const plan = detail.data;
  const isDraft = plan.status === 'draft';
  const successors = (users.data?.users ?? [])
    .filter((u) => u.status === 'active' && u.id !== plan.userId)
    .map((u) => ({ value: u.id, label: userLabel(u) }));
  const assigned = plan.items.filter((i) => i.successorId !== null).length;
  const allAssigned = assigned === plan.items.length;
  // Nobody approves a plan about themselves or one they drew up (the server refuses it too).
  const isOwn = plan.userId === me?.user.id || plan.createdBy === me?.user.username;
  const canApprove = hasPermission(me, 'handover.approve') && !isOwn;

  return (
    <Stack gap="md" data-testid="handover-detail" data-status={plan.status} data-plan-id={plan.id}>
      <Anchor component={Link} to="/admin/handover" size="sm" data-testid="handover-back">
        {t('handover.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2" data-testid="handover-person">
          {`${plan.displayName} (${plan.username})`}
        </Title>
        <HandoverStatus status={plan.status} />
      </Group>
      <Paper withBorder p="sm">
        <Stack gap={4}>
          <Text size="sm">{`${t('handover.reason')}: ${t(`handover.reasons.${plan.reason}`)}`}</Text>
          <Text size="sm">{`${t('handover.effectiveOn')}: ${formatDate(plan.effectiveOn, i18n.language)}`}</Text>
          <Text size="sm">{plan.disableAccount ? t('handover.disables') : t('handover.keepsAccount')}</Text>
          <Text size="sm">{t('handover.createdBy', { name: plan.createdBy })}</Text>
          {plan.approvedBy && <Text size="sm">{t('handover.approvedBy', { name: plan.approvedBy })}</Text>}
          <Text size="sm" data-testid="handover-assigned" data-assigned={assigned} data-total={plan.items.length}>
            {`${t('handover.progress')}: ${assigned} / ${plan.items.length}`}
          </Text>
        </Stack>
      </Paper>

      {isDraft && plan.items.length > 0 && (
        <Paper withBorder p="sm">
          <Stack gap="xs">
            <Text size="sm" fw={600}>
              {t('handover.allTitle')}
            </Text>
            <Group align="flex-end" gap="xs">
              <Select
                aria-label={t('handover.allTitle')}
                searchable
                data={successors}
                value={allSuccessor}
                onChange={setAllSuccessor}
                comboboxProps={{ withinPortal: false }}
                style={{ flex: 1, minWidth: 200 }}
                data-testid="successor-all"
              />
              <Button
                variant="default"
                disabled={!allSuccessor}
                loading={assign.isPending && assign.variables.itemIds.length > 1}
                onClick={() => allSuccessor && assign.mutate({ itemIds: plan.items.map((i) => i.id), successorId: allSuccessor })}
                data-testid="successor-all-apply"
              >
                {t('handover.allApply')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
      <FormError error={assign.error ?? users.error} />

      <Title order={2} size="h3">
        {t('handover.itemsTitle')}
      </Title>
      <Table.ScrollContainer minWidth={340} type="native" tabIndex={0} aria-label={t('handover.itemsTitle')}>
        <Table striped data-testid="handover-items">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('handover.item')}</Table.Th>
              <Table.Th>{t('handover.successor')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plan.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={2}>{t('handover.noItems')}</Table.Td>
              </Table.Tr>
            )}
            {plan.items.map((item) => (
              <Table.Tr key={item.id} data-testid="handover-item" data-kind={item.kind} data-successor={item.successorName ?? ''}>
                <Table.Td>
                  <Text size="xs">{t(`handover.kinds.${item.kind}`, { defaultValue: item.kind })}</Text>
                  <Text size="sm" fw={600}>
                    {itemLabel(item, i18n.language)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {isDraft ? (
                    <Select
                      size="xs"
                      miw={150}
                      aria-label={t('handover.successorFor', { item: itemLabel(item, i18n.language) })}
                      searchable
                      allowDeselect={false}
                      data={successors}
                      value={item.successorId}
                      onChange={(value) => value && value !== item.successorId && assign.mutate({ itemIds: [item.id], successorId: value })}
                      comboboxProps={{ withinPortal: false }}
                      data-testid="successor-select"
                    />
                  ) : (
                    <Text size="sm">{item.successorName ?? '—'}</Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      {isDraft && (
        <Stack gap="xs">
          <Alert color="blue" variant="outline">
            <Text size="sm">{t('handover.approveExplain')}</Text>
          </Alert>
          {isOwn && (
            <Text size="sm" data-testid="handover-approve-own">
              {t('errors.own_handover')}
            </Text>
          )}
          {!isOwn && !canApprove && (
            <Text size="sm" data-testid="handover-approve-permission">
              {t('handover.approveNoPermission')}
            </Text>
          )}
          {canApprove && !allAssigned && <Text size="sm">{t('handover.approveDisabled')}</Text>}
          <FormError error={approve.error} testId="handover-approve-error" />
          <Group>
            <Button
              disabled={!canApprove || !allAssigned}
              loading={approve.isPending}
              onClick={() => approve.mutate()}
              data-testid="handover-approve"
            >
              {t('handover.approve')}
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
