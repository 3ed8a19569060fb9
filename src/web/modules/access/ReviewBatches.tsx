import { Alert, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ReviewDetailView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';

type Batch = ReviewDetailView['batches'][number];

/**
 * What completing the review needs, said before anyone presses the button: every item decided
 * (and who decides the items about the reader), and someone left with every system-administrator right.
 */
export function ReviewRequirements({ review, myId }: { review: ReviewDetailView; myId: string | undefined }) {
  const { t } = useTranslation();
  const { undecided, leavesNoAdministrator } = review.requirements;
  const aboutMe = review.items.filter((i) => i.userId === myId);
  const deciders = [...new Set(aboutMe.map((i) => i.reviewerName))].join('、');
  return (
    <Alert
      color={leavesNoAdministrator ? 'red.9' : 'blue'}
      variant="outline"
      title={t('reviewBulk.requirementsTitle')}
      data-testid="review-requirements"
      data-undecided={undecided}
      data-no-admin={leavesNoAdministrator}
    >
      <List size="sm" spacing={4}>
        <List.Item>{undecided > 0 ? t('reviewBulk.requiresDecided', { count: undecided }) : t('reviewBulk.allDecided')}</List.Item>
        {aboutMe.length > 0 && (
          <List.Item data-testid="review-requirement-about-me">
            {t('reviewBulk.aboutMe', { count: aboutMe.length, reviewer: deciders })}
          </List.Item>
        )}
        {leavesNoAdministrator && (
          <List.Item data-testid="review-requirement-admin">
            <Text size="sm" fw={700} span>
              {t('reviewBulk.leavesNoAdministrator')}
            </Text>
          </List.Item>
        )}
      </List>
    </Alert>
  );
}

/** The batches of decisions still in force, newest first; whoever made one may undo it until completion. */
export function ReviewBatches({
  review,
  myId,
  roleLabel,
}: {
  review: ReviewDetailView;
  myId: string | undefined;
  roleLabel: (roleId: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const undo = useMutation({
    mutationFn: (batchId: string) => api.post<{ undone: number }>(`/api/access-reviews/${review.id}/batches/${batchId}/undo`),
    onSuccess: async (result) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['access-review', review.id] }),
        queryClient.invalidateQueries({ queryKey: ['access-reviews'] }),
      ]);
      showSuccess(t('reviewBulk.undone', { count: result.undone }));
    },
  });
  const bulk = review.batches.filter((b) => b.items > 1 || b.selection.items === undefined);
  if (review.status !== 'open' || bulk.length === 0) return null;
  const what = (b: Batch) => {
    const s = b.selection;
    if (s.recommendation === 'none') return t('reviewBulk.what.unrecommended');
    if (s.recommendation) return t('reviewBulk.what.recommendation', { name: t(`reviews.recommendations.${s.recommendation}`) });
    if (s.roleId) return t('reviewBulk.what.role', { role: roleLabel(s.roleId) });
    return t('reviewBulk.what.shown', { count: s.items ?? b.items });
  };
  return (
    <Paper withBorder p="sm" data-testid="review-batches">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('reviewBulk.batchesTitle')}
        </Title>
        {bulk.map((b) => (
          <Group
            key={b.id}
            justify="space-between"
            wrap="wrap"
            gap="xs"
            data-testid="review-batch"
            data-batch-id={b.id}
            data-items={b.items}
          >
            <Stack gap={0}>
              <Text size="sm" fw={600}>
                {t(b.decision === 'keep' ? 'reviewBulk.batchKept' : 'reviewBulk.batchRemoved', { count: b.items })} · {what(b)}
              </Text>
              <Text size="xs">
                {b.decidedByName} · {formatDateTime(b.decidedAt, i18n.language)} · {b.reason}
              </Text>
            </Stack>
            {b.decidedBy === myId && (
              <Button
                size="compact-sm"
                variant="default"
                loading={undo.isPending && undo.variables === b.id}
                onClick={() => undo.mutate(b.id)}
                data-testid="review-batch-undo"
              >
                {t('reviewBulk.undo')}
              </Button>
            )}
          </Group>
        ))}
        <FormError error={undo.error} />
      </Stack>
    </Paper>
  );
}

/** Undo for one decision made on its own (a batch of one), from the item's row. */
export function UndoOne({ reviewId, batchId, label }: { reviewId: string; batchId: string; label: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const undo = useMutation({
    mutationFn: () => api.post(`/api/access-reviews/${reviewId}/batches/${batchId}/undo`),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['access-review', reviewId] }),
        queryClient.invalidateQueries({ queryKey: ['access-reviews'] }),
      ]);
      showSuccess(t('reviewBulk.undone', { count: 1 }));
    },
  });
  return (
    <Stack gap={2}>
      <Button
        size="compact-sm"
        variant="subtle"
        aria-label={label}
        loading={undo.isPending}
        onClick={() => undo.mutate()}
        data-testid="item-undo"
      >
        {t('reviewBulk.undo')}
      </Button>
      <FormError error={undo.error} />
    </Stack>
  );
}
