import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Group, Modal, MultiSelect, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { z } from 'zod';
import type { ReviewPreview } from '../../../contracts/admin.js';
import { api, ApiError, type Created, type Review, type ReviewListView, type RoleListView, type UserListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, hongKongToday, hongKongYear } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { roleName, userLabel } from './permissions.js';

const REVIEW_STATUS_COLOUR: Record<Review['status'], string> = { open: 'planned', completed: 'ok', cancelled: 'cancelled' };

/** A status badge for a review: words on a colour. */
export function ReviewStatus({ status }: { status: Review['status'] }) {
  return <StatusBadge status={REVIEW_STATUS_COLOUR[status]} labelKey={`reviews.statuses.${status}`} />;
}

function StartReviewModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const canListUsers = hasPermission(me, 'users.read');
  const canListRoles = hasPermission(me, 'roles.read');
  const roles = useQuery({
    queryKey: ['admin-roles'],
    queryFn: () => api.get<RoleListView>('/api/admin/roles'),
    enabled: opened && canListRoles,
  });
  const users = useQuery({
    queryKey: ['admin-users'],
    queryFn: () => api.get<UserListView>('/api/admin/users'),
    enabled: opened && canListUsers,
  });
  const [name, setName] = useState(() => t('reviews.nameDefault', { year: hongKongYear() }));
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [dueOn, setDueOn] = useState(() => hongKongToday(30));
  const [reviewerId, setReviewerId] = useState<string | null>(null);
  const [secondReviewerId, setSecondReviewerId] = useState<string | null>(null);
  const [showSecond, setShowSecond] = useState(false);
  const [recurrence, setRecurrence] = useState<number | string>(12);
  // The rule that refuses a start, asked as the form is filled in: whether a second reviewer is needed, and how many items.
  const preview = useQuery({
    queryKey: ['review-preview', roleIds.join(','), reviewerId],
    queryFn: () =>
      api.get<z.infer<typeof ReviewPreview>>(
        `/api/access-reviews/preview?${new URLSearchParams({ roleIds: roleIds.join(','), ...(reviewerId ? { reviewerId } : {}) }).toString()}`,
      ),
    enabled: opened,
  });

  // Only people whose roles let them review can be named.
  const reviewRoles = new Set((roles.data?.roles ?? []).filter((r) => r.permissions.includes('access_reviews.review')).map((r) => r.id));
  const candidates = (users.data?.users ?? []).filter(
    (u) => u.status === 'active' && (!roles.data || u.roleIds.some((id) => reviewRoles.has(id))),
  );
  const mainId = reviewerId ?? me?.user.id ?? null;
  const reviewerOptions = candidates.map((u) => ({ value: u.id, label: userLabel(u) }));
  const secondOptions = reviewerOptions.filter((o) => o.value !== mainId);

  const start = useMutation({
    mutationFn: () =>
      api.post<Created>('/api/access-reviews', {
        name: name.trim(),
        roleIds,
        dueOn,
        ...(reviewerId ? { reviewerId } : {}),
        ...((showSecond || preview.data?.secondReviewerNeeded) && secondReviewerId ? { secondReviewerId } : {}),
        recurrenceMonths: typeof recurrence === 'number' ? recurrence : Number(recurrence) || 12,
      }),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['access-reviews'] });
      showSuccess(t('reviews.started'));
      onClose();
      void navigate(`/admin/reviews/${created.id}`);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'own_review') setShowSecond(true);
    },
  });
  const ownReview = start.error instanceof ApiError && start.error.code === 'own_review';
  const secondRequired = ownReview || preview.data?.secondReviewerNeeded === true;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={onClose} title={t('reviews.newTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('reviews.newExplain')}</Text>
          <TextInput
            label={t('reviews.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-testid="review-form-name"
          />
          {canListRoles && (
            <MultiSelect
              label={t('reviews.roles')}
              description={t('reviews.rolesHint')}
              placeholder={roleIds.length === 0 ? t('reviews.allRoles') : undefined}
              searchable
              clearable
              data={(roles.data?.roles ?? []).map((r) => ({ value: r.id, label: roleName(r, i18n.language) }))}
              value={roleIds}
              onChange={setRoleIds}
              comboboxProps={{ withinPortal: false }}
              data-testid="review-form-roles"
            />
          )}
          <DateField label={t('reviews.due')} required value={dueOn} onChange={(value) => setDueOn(value)} data-testid="review-form-due" />
          {canListUsers && (
            <Select
              label={t('reviews.reviewer')}
              description={t('reviews.reviewerHint')}
              placeholder={t('reviews.reviewerMe')}
              searchable
              clearable
              data={reviewerOptions}
              value={reviewerId}
              onChange={setReviewerId}
              comboboxProps={{ withinPortal: false }}
              data-testid="review-form-reviewer"
            />
          )}
          {preview.data && (
            <Text size="sm" data-testid="review-form-items" data-items={preview.data.items}>
              {t('reviewBulk.previewItems', { count: preview.data.items })}
            </Text>
          )}
          {secondRequired && (
            <Alert color="yellow.4" variant="outline" data-testid="review-own-explain">
              <Text size="sm">{t('reviews.ownReviewExplain')}</Text>
            </Alert>
          )}
          {canListUsers && (showSecond || secondRequired) ? (
            <Select
              label={t('reviews.second')}
              description={t('reviews.secondHint')}
              searchable
              clearable
              required={secondRequired}
              error={ownReview && !secondReviewerId ? t('reviews.secondNeeded') : undefined}
              data={secondOptions}
              value={secondReviewerId}
              onChange={setSecondReviewerId}
              comboboxProps={{ withinPortal: false }}
              data-testid="review-form-second"
            />
          ) : (
            canListUsers && (
              <Group>
                <Button variant="subtle" size="compact-sm" onClick={() => setShowSecond(true)} data-testid="review-form-add-second">
                  {t('reviews.addSecond')}
                </Button>
              </Group>
            )
          )}
          <NumberInput
            label={t('reviews.recurrence')}
            description={t('reviews.recurrenceHint')}
            min={1}
            max={36}
            allowDecimal={false}
            value={recurrence}
            onChange={setRecurrence}
            data-testid="review-form-recurrence"
          />
          {!ownReview && <FormError error={start.error ?? users.error ?? roles.error} />}
          <Button
            type="submit"
            loading={start.isPending}
            disabled={!name.trim() || !dueOn || (secondRequired && canListUsers && !secondReviewerId)}
            data-testid="review-form-submit"
          >
            {t('reviews.submit')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

/** Access-review campaigns (memo U1): who keeps which role, decided once a year. */
export function ReviewsPage() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const [starting, setStarting] = useState(false);
  const reviews = useQuery({ queryKey: ['access-reviews'], queryFn: () => api.get<ReviewListView>('/api/access-reviews') });

  if (reviews.isPending) return <PageLoader />;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('reviews.title')}
        </Title>
        {hasPermission(me, 'access_reviews.manage') && (
          <Button onClick={() => setStarting(true)} data-testid="review-new">
            {t('reviews.new')}
          </Button>
        )}
      </Group>
      <Text size="sm">{t('reviews.explain')}</Text>
      <FormError error={reviews.error} />
      {reviews.data && (
        <Table.ScrollContainer minWidth={640} type="native" tabIndex={0} aria-label={t('reviews.title')}>
          <Table striped data-testid="reviews-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('reviews.name')}</Table.Th>
                <Table.Th>{t('reviews.status')}</Table.Th>
                <Table.Th>{t('reviews.due')}</Table.Th>
                <Table.Th>{t('reviews.progress')}</Table.Th>
                <Table.Th>{t('reviews.removals')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reviews.data.reviews.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>{t('reviews.none')}</Table.Td>
                </Table.Tr>
              )}
              {reviews.data.reviews.map((review) => (
                <Table.Tr key={review.id} data-testid="review-row" data-status={review.status} data-review-id={review.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/reviews/${review.id}`} size="sm" fw={600} data-testid="review-open">
                      {review.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <ReviewStatus status={review.status} />
                  </Table.Td>
                  <Table.Td>{formatDate(review.dueOn, i18n.language)}</Table.Td>
                  <Table.Td data-testid="review-progress">
                    {t('reviews.progressValue', { decided: review.decided, total: review.total })}
                  </Table.Td>
                  <Table.Td>{review.removals}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {starting && <StartReviewModal opened={starting} onClose={() => setStarting(false)} />}
    </Stack>
  );
}
