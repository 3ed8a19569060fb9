import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, type ReviewDetailView, type ReviewItem, type RoleListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { roleName } from './permissions.js';
import { ReviewBatches, ReviewRequirements, UndoOne } from './ReviewBatches.js';
import { CompleteModal, ReasonModal } from './ReviewDecisionModals.js';
import { ReviewBulkBar } from './ReviewBulk.js';
import { type ItemFilter, NO_FILTER, ReviewFilters, filterItems, rolesIn } from './ReviewFilters.js';
import { ReviewStatus } from './ReviewsPage.js';
import { personName, roleLabel as labelRole } from '../../components/labels.js';

type Decision = 'keep' | 'remove';

const RECOMMENDATION_COLOUR: Record<NonNullable<ReviewItem['recommendation']>, string> = {
  inactive: 'yellow.4',
  staff_left: 'red.9',
  staff_on_leave: 'orange.3',
};

/** The recommendation as words on a colour (colour is never the only signal). */
function Recommendation({ value }: { value: ReviewItem['recommendation'] }) {
  const { t } = useTranslation();
  if (!value) return <Text size="sm">{t('reviews.recommendations.none')}</Text>;
  return (
    <Badge
      color={RECOMMENDATION_COLOUR[value]}
      variant="filled"
      autoContrast
      style={{ maxWidth: 'none' }}
      data-testid="item-recommendation"
      data-recommendation={value}
    >
      {t(`reviews.recommendations.${value}`)}
    </Badge>
  );
}

function DecisionText({ item }: { item: ReviewItem }) {
  const { t } = useTranslation();
  if (!item.decision) return <Text size="sm">{t('reviews.decisions.undecided')}</Text>;
  return (
    <Stack gap={2}>
      <Badge color={item.decision === 'remove' ? 'red.9' : '#1e6b30'} variant="filled" autoContrast style={{ maxWidth: 'none' }}>
        {t(`reviews.decisions.${item.decision}`)}
      </Badge>
      {item.reason && <Text size="xs">{item.reason}</Text>}
    </Stack>
  );
}

/** One access review: every person and role, the recommendation, and the decisions (memo U1). */
export function ReviewDetailPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const { data: me } = useMe();
  const [onlyMine, setOnlyMine] = useState(false);
  const [deciding, setDeciding] = useState<{ item: ReviewItem; decision: Decision } | null>(null);
  const [completing, setCompleting] = useState(false);
  const [filter, setFilter] = useState<ItemFilter>(NO_FILTER);
  const detail = useQuery({
    queryKey: ['access-review', id],
    queryFn: () => api.get<ReviewDetailView>(`/api/access-reviews/${id}`),
    enabled: id !== '',
  });
  // Role names in the reader's language where the roles may be read; the review's own name otherwise.
  const roles = useQuery({
    queryKey: ['admin-roles'],
    queryFn: () => api.get<RoleListView>('/api/admin/roles'),
    enabled: hasPermission(me, 'roles.read'),
  });

  if (detail.isPending) return <PageLoader />;
  if (!detail.data) return <FormError error={detail.error} />;
  const review = detail.data;
  const myId = me?.user.id;
  const isOpen = review.status === 'open';
  const canDecide = (item: ReviewItem) => isOpen && !item.decision && item.reviewerId === myId && item.userId !== myId;
  const mine = review.items.filter((i) => i.reviewerId === myId);
  const waitingForMe = mine.filter((i) => !i.decision).length;
  const roleLabel = (roleId: string, fallback = '') => {
    const role = roles.data?.roles.find((r) => r.id === roleId);
    return role ? roleName(role, i18n.language) : fallback;
  };
  // Names in the reader's language: a built-in role translated, a person by their name, never a user name or an English role in Chinese.
  const itemRole = (i: ReviewItem) => labelRole(t, { key: i.roleKey, nameZh: i.roleNameZh, nameEn: i.roleNameEn }, i18n.language);
  const person = (i: ReviewItem) => personName(i18n.language, i);
  const reviewer = (i: ReviewItem) => personName(i18n.language, { displayNameZh: i.reviewerDisplayZh, displayNameEn: i.reviewerDisplayEn });
  const roleOptions = rolesIn(review.items, (i) => roleLabel(i.roleId, itemRole(i)));
  const items = filterItems(onlyMine ? mine : review.items, filter);
  const decidable = review.items.filter(canDecide);
  const filtered = onlyMine || filter !== NO_FILTER;
  const undoableAlone = (item: ReviewItem) => {
    const batch = isOpen && item.decision ? review.batches.find((b) => b.id === item.batchId) : undefined;
    return batch && batch.decidedBy === myId && batch.items === 1 ? batch.id : null;
  };
  const removals = review.items.filter((i) => i.decision === 'remove').length;
  const allDecided = review.decided === review.total;
  const canManage = hasPermission(me, 'access_reviews.manage');

  return (
    <Stack gap="md" data-testid="review-detail" data-status={review.status} data-review-id={review.id}>
      <Anchor component={Link} to="/admin/reviews" size="sm" data-testid="review-back">
        {t('reviews.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2">
          {review.name}
        </Title>
        <ReviewStatus status={review.status} />
      </Group>
      <Paper withBorder p="sm">
        <Stack gap={4}>
          <Text size="sm" data-testid="review-counts" data-decided={review.decided} data-total={review.total}>
            {t('reviews.counts', { decided: review.decided, total: review.total, removals })}
          </Text>
          <Text size="sm">{t('reviews.dueOn', { date: formatDate(review.dueOn, i18n.language) })}</Text>
          {review.completedAt && (
            <Text size="sm">{t('reviews.completedOn', { date: formatDateTime(review.completedAt, i18n.language) })}</Text>
          )}
          {isOpen && (
            <Text size="sm" data-testid="review-waiting">
              {t('reviews.waitingForMe', { count: waitingForMe })}
            </Text>
          )}
        </Stack>
      </Paper>
      <Group justify="space-between" align="center">
        <Switch
          label={t('reviews.onlyMine')}
          checked={onlyMine}
          onChange={(e) => setOnlyMine(e.currentTarget.checked)}
          data-testid="review-only-mine"
        />
        <Group gap="xs">
          {review.status === 'completed' && (
            <Button component="a" href={`/api/access-reviews/${review.id}/report`} download variant="default" data-testid="review-report">
              {t('reviews.report')}
            </Button>
          )}
          {review.status === 'completed' && (
            <Button
              component="a"
              href={`/api/access-reviews/${review.id}/report?format=pdf`}
              download
              variant="default"
              data-testid="review-report-pdf"
            >
              {t('reviews.reportPdf')}
            </Button>
          )}
          {isOpen && canManage && (
            <Button color="red.9" disabled={!allDecided} onClick={() => setCompleting(true)} data-testid="review-complete">
              {t('reviews.complete')}
            </Button>
          )}
        </Group>
      </Group>
      {isOpen && canManage && !allDecided && <Text size="sm">{t('reviews.completeDisabled')}</Text>}
      {isOpen && <ReviewRequirements review={review} myId={myId} />}
      {isOpen && (
        <Alert color="blue" variant="outline">
          <Text size="sm">{t('reviews.applyExplain')}</Text>
        </Alert>
      )}
      {isOpen && (
        <ReviewBulkBar reviewId={review.id} decidable={decidable} shown={items.filter(canDecide)} filtered={filtered} roles={roleOptions} />
      )}
      <ReviewBatches
        review={review}
        myId={myId}
        roleLabel={(roleId) => roleLabel(roleId, roleOptions.find((r) => r.value === roleId)?.label)}
      />
      <ReviewFilters filter={filter} onChange={setFilter} roles={roleOptions} />
      <Text size="sm" data-testid="review-shown" data-shown={items.length}>
        {t('reviewBulk.shown', { count: items.length, total: review.total })}
      </Text>
      <Table.ScrollContainer minWidth={980} type="native" tabIndex={0} aria-label={t('reviews.itemsTitle')}>
        <Table striped data-testid="review-items">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('reviews.person')}</Table.Th>
              <Table.Th>{t('reviews.role')}</Table.Th>
              <Table.Th>{t('reviews.lastLogin')}</Table.Th>
              <Table.Th>{t('reviews.recommendation')}</Table.Th>
              <Table.Th>{t('reviews.reviewer')}</Table.Th>
              <Table.Th>{t('reviews.decision')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  {filter !== NO_FILTER ? t('reviewBulk.noneMatch') : onlyMine ? t('reviews.mineNone') : t('reviews.noItems')}
                </Table.Td>
              </Table.Tr>
            )}
            {items.map((item) => (
              <Table.Tr
                key={item.id}
                data-testid="review-item"
                data-username={item.username}
                data-role={item.roleName}
                data-decision={item.decision ?? ''}
                data-mine={item.reviewerId === myId}
              >
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {person(item)}
                  </Text>
                  <Text size="xs">{item.username}</Text>
                </Table.Td>
                <Table.Td>{itemRole(item)}</Table.Td>
                <Table.Td>{item.lastLoginAt ? formatDateTime(item.lastLoginAt, i18n.language) : t('reviews.never')}</Table.Td>
                <Table.Td>
                  <Recommendation value={item.recommendation} />
                </Table.Td>
                <Table.Td>{reviewer(item)}</Table.Td>
                <Table.Td>
                  <DecisionText item={item} />
                </Table.Td>
                <Table.Td>
                  {canDecide(item) ? (
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => setDeciding({ item, decision: 'keep' })}
                        aria-label={t('reviews.keepNamed', { person: person(item), role: itemRole(item) })}
                        data-testid="item-keep"
                      >
                        {t('reviews.keep')}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="outline"
                        color="red.9"
                        onClick={() => setDeciding({ item, decision: 'remove' })}
                        aria-label={t('reviews.removeNamed', { person: person(item), role: itemRole(item) })}
                        data-testid="item-remove"
                      >
                        {t('reviews.remove')}
                      </Button>
                    </Group>
                  ) : undoableAlone(item) ? (
                    <UndoOne
                      reviewId={review.id}
                      batchId={undoableAlone(item) ?? ''}
                      label={t('reviewBulk.undoNamed', { person: person(item), role: itemRole(item) })}
                    />
                  ) : (
                    isOpen &&
                    !item.decision && <Text size="xs">{item.userId === myId ? t('reviews.aboutYou') : t('reviews.forOther')}</Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {deciding && (
        <ReasonModal
          key={`${deciding.item.id}-${deciding.decision}`}
          reviewId={review.id}
          item={deciding.item}
          decision={deciding.decision}
          onClose={() => setDeciding(null)}
        />
      )}
      {canManage && isOpen && <CompleteModal review={review} opened={completing} onClose={() => setCompleting(false)} />}
    </Stack>
  );
}
