import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, Paper, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ReviewItem } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';

type Decision = 'keep' | 'remove';

/** What one bulk request asks for: a recommendation, a role, or the items named (the server takes only the reviewer's own). */
export interface BulkChoice {
  decision: Decision;
  recommendation?: 'none' | NonNullable<ReviewItem['recommendation']>;
  roleId?: string;
  itemIds?: string[];
  /** The items it will decide, as the page sees them: counted and named in the confirmation. */
  items: ReviewItem[];
  /** Says what was chosen, e.g. "every item without a recommendation". */
  what: string;
}

/** The one confirmation a bulk decision needs: how many, whom, and one reason for all. */
function BulkModal({ reviewId, choice, onClose }: { reviewId: string; choice: BulkChoice; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const first = choice.items[0]?.recommendation;
  const sameRecommendation = first && choice.items.every((i) => i.recommendation === first) ? first : null;
  const [reason, setReason] = useState(() =>
    choice.decision === 'keep' ? t('reviews.keepDefault') : sameRecommendation ? t(`reviews.reasonFrom.${sameRecommendation}`) : '',
  );
  const decide = useMutation({
    mutationFn: () =>
      api.post<{ batchId: string | null; decided: number }>(`/api/access-reviews/${reviewId}/decisions`, {
        decision: choice.decision,
        reason: reason.trim(),
        ...(choice.recommendation ? { recommendation: choice.recommendation } : {}),
        ...(choice.roleId ? { roleId: choice.roleId } : {}),
        ...(choice.itemIds ? { itemIds: choice.itemIds } : {}),
      }),
    onSuccess: async (result) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['access-review', reviewId] }),
        queryClient.invalidateQueries({ queryKey: ['access-reviews'] }),
      ]);
      showSuccess(t('reviewBulk.done', { count: result.decided }));
      onClose();
    },
  });
  const tooShort = reason.trim().length < 3;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!tooShort) decide.mutate();
  };
  const shown = choice.items.slice(0, 8).map((i) => i.displayName);
  const more = choice.items.length - shown.length;
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      title={t(choice.decision === 'keep' ? 'reviewBulk.keepTitle' : 'reviewBulk.removeTitle', { count: choice.items.length })}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" data-testid="bulk-modal" data-count={choice.items.length}>
          <Text size="sm" fw={600}>
            {choice.what}
          </Text>
          <Text size="sm">
            {shown.join('、')}
            {more > 0 ? t('reviewBulk.andMore', { count: more }) : ''}
          </Text>
          {choice.decision === 'remove' && <Text size="sm">{t('reviews.removeExplain')}</Text>}
          <Text size="sm">{t('reviewBulk.undoHint')}</Text>
          <Textarea
            label={t('reviewBulk.reason')}
            description={t('reviews.reasonHint')}
            required
            autosize
            minRows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-testid="bulk-reason"
          />
          <FormError error={decide.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              color={choice.decision === 'remove' ? 'red.9' : undefined}
              disabled={tooShort}
              loading={decide.isPending}
              data-testid="bulk-submit"
            >
              {t(choice.decision === 'keep' ? 'reviewBulk.keepSubmit' : 'reviewBulk.removeSubmit', { count: choice.items.length })}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Decisions many at a time (issue 14 item 6): keep every item without a recommendation, keep or
 * remove every holding of a role, or keep or remove the items the filters show. Each is one request
 * with one confirmation, and can be undone until the review is completed.
 */
export function ReviewBulkBar({
  reviewId,
  decidable,
  shown,
  filtered,
  roles,
}: {
  reviewId: string;
  /** The reviewer's own undecided items (never one about themselves). */
  decidable: ReviewItem[];
  /** The decidable items the filters show. */
  shown: ReviewItem[];
  /** Whether any filter narrows the list. */
  filtered: boolean;
  roles: { value: string; label: string }[];
}) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<BulkChoice | null>(null);
  const [roleId, setRoleId] = useState<string | null>(null);
  if (decidable.length === 0 && !choice) return null;
  const unrecommended = decidable.filter((i) => i.recommendation === null);
  const myRoles = roles
    .map((r) => ({ ...r, count: decidable.filter((i) => i.roleId === r.value).length }))
    .filter((r) => r.count > 0)
    .map((r) => ({ value: r.value, label: t('reviewBulk.roleCount', { role: r.label, count: r.count }) }));
  const role = roles.find((r) => r.value === roleId);
  const ofRole = decidable.filter((i) => i.roleId === roleId);
  const byRole = (decision: Decision) =>
    role && setChoice({ decision, roleId: role.value, items: ofRole, what: t('reviewBulk.what.role', { role: role.label }) });
  const byShown = (decision: Decision) =>
    setChoice({ decision, itemIds: shown.map((i) => i.id), items: shown, what: t('reviewBulk.what.shown', { count: shown.length }) });
  return (
    <Paper withBorder p="sm" data-testid="review-bulk">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('reviewBulk.title')}
        </Title>
        <Text size="sm">{t('reviewBulk.explain', { count: decidable.length })}</Text>
        <Group gap="sm" wrap="wrap">
          <Button
            disabled={unrecommended.length === 0}
            onClick={() =>
              setChoice({ decision: 'keep', recommendation: 'none', items: unrecommended, what: t('reviewBulk.what.unrecommended') })
            }
            data-testid="bulk-keep-unrecommended"
            data-count={unrecommended.length}
          >
            {t('reviewBulk.keepUnrecommended', { count: unrecommended.length })}
          </Button>
        </Group>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label={t('reviewBulk.byRole')}
            placeholder={t('reviewBulk.pickRole')}
            clearable
            data={myRoles}
            value={roleId}
            onChange={setRoleId}
            comboboxProps={{ withinPortal: false }}
            w={{ base: '100%', sm: 280 }}
            data-testid="bulk-role"
          />
          <Button variant="default" disabled={!role || ofRole.length === 0} onClick={() => byRole('keep')} data-testid="bulk-role-keep">
            {t('reviewBulk.keepAll')}
          </Button>
          <Button
            variant="outline"
            color="red.9"
            disabled={!role || ofRole.length === 0}
            onClick={() => byRole('remove')}
            data-testid="bulk-role-remove"
          >
            {t('reviewBulk.removeAll')}
          </Button>
        </Group>
        {filtered && (
          <Group gap="sm" wrap="wrap">
            <Button variant="default" disabled={shown.length === 0} onClick={() => byShown('keep')} data-testid="bulk-shown-keep">
              {t('reviewBulk.keepShown', { count: shown.length })}
            </Button>
            <Button
              variant="outline"
              color="red.9"
              disabled={shown.length === 0}
              onClick={() => byShown('remove')}
              data-testid="bulk-shown-remove"
            >
              {t('reviewBulk.removeShown', { count: shown.length })}
            </Button>
          </Group>
        )}
      </Stack>
      {choice && <BulkModal reviewId={reviewId} choice={choice} onClose={() => setChoice(null)} />}
    </Paper>
  );
}
