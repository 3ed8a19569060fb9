import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ReviewDetailView, type ReviewItem } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { meQuery } from '../../components/session.js';
import { personName, roleLabel } from '../../components/labels.js';

type Decision = 'keep' | 'remove';

/** One decision with its reason (a confirmation per item), and completing the review. */
export function ReasonModal({
  reviewId,
  item,
  decision,
  onClose,
}: {
  reviewId: string;
  item: ReviewItem;
  decision: Decision;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  // Prefilled from the recommendation: removing someone inactive says so; keeping says why by default.
  const [reason, setReason] = useState(() =>
    decision === 'remove' ? (item.recommendation ? t(`reviews.reasonFrom.${item.recommendation}`) : '') : t('reviews.keepDefault'),
  );
  const decide = useMutation({
    mutationFn: () => api.put(`/api/access-reviews/${reviewId}/items/${item.id}`, { decision, reason: reason.trim() }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['access-review', reviewId] }),
        queryClient.invalidateQueries({ queryKey: ['access-reviews'] }),
      ]);
      showSuccess(t('reviews.decided'));
      onClose();
    },
  });
  const tooShort = reason.trim().length < 3;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!tooShort) decide.mutate();
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      title={t(decision === 'keep' ? 'reviews.reasonTitleKeep' : 'reviews.reasonTitleRemove')}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm" fw={600}>
            {t('reviews.reasonAbout', {
              person: personName(i18n.language, item),
              role: roleLabel(t, { key: item.roleKey, nameZh: item.roleNameZh, nameEn: item.roleNameEn }, i18n.language),
            })}
          </Text>
          {decision === 'remove' && <Text size="sm">{t('reviews.removeExplain')}</Text>}
          <Textarea
            label={t('reviews.reason')}
            description={t('reviews.reasonHint')}
            required
            autosize
            minRows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-testid="item-reason"
          />
          <FormError error={decide.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              color={decision === 'remove' ? 'red.9' : undefined}
              disabled={tooShort}
              loading={decide.isPending}
              data-testid="item-reason-submit"
            >
              {t(decision === 'keep' ? 'reviews.keepSubmit' : 'reviews.removeSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function CompleteModal({ review, opened, onClose }: { review: ReviewDetailView; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const removals = review.items.filter((i) => i.decision === 'remove').length;
  const complete = useMutation({
    mutationFn: () => api.post(`/api/access-reviews/${review.id}/complete`),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['access-review', review.id] }),
        queryClient.invalidateQueries({ queryKey: ['access-reviews'] }),
        queryClient.invalidateQueries({ queryKey: ['admin-roles'] }),
        queryClient.invalidateQueries({ queryKey: ['admin-users'] }),
        queryClient.invalidateQueries({ queryKey: ['admin-access'] }),
        queryClient.invalidateQueries({ queryKey: meQuery.queryKey }),
      ]);
      showSuccess(t('reviews.completed'));
      onClose();
    },
  });
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={onClose} title={t('reviews.completeTitle')}>
      <Stack gap="sm">
        <Text size="sm">{t('reviews.completeExplain', { count: removals })}</Text>
        <FormError error={complete.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red.9" loading={complete.isPending} onClick={() => complete.mutate()} data-testid="review-complete-confirm">
            {t('reviews.complete')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
