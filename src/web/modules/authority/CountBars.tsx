import { Group, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MessageSummaryView } from '../../api.js';

const STEPS = ['opened', 'preparing', 'submitted', 'received'] as const;
const COLOURS: Record<(typeof STEPS)[number], string> = {
  opened: 'blue.8',
  preparing: 'cyan.9',
  submitted: 'violet.8',
  received: '#1e6b30',
};

/** How far the schools have got with one message, a bar for each step out of all recipients. */
export function CountBars({ counts, compact = false }: { counts: MessageSummaryView['counts']; compact?: boolean }) {
  const { t } = useTranslation();
  const total = Math.max(1, counts.recipients);
  return (
    <Stack
      gap={compact ? 2 : 6}
      data-testid="count-bars"
      data-recipients={counts.recipients}
      data-received={counts.received}
      data-late={counts.late}
      style={{ minWidth: 180 }}
    >
      {STEPS.map((step) => {
        const label = t(`authority.counts.${step}`);
        const value = counts[step];
        return (
          <div key={step} data-testid={`count-${step}`} data-value={value}>
            <Group justify="space-between" gap="xs" wrap="nowrap">
              <Text size="xs">{label}</Text>
              <Text size="xs" fw={700}>
                {t('authority.counts.ofTotal', { value, total: counts.recipients })}
              </Text>
            </Group>
            <Progress
              value={(value / total) * 100}
              color={COLOURS[step]}
              size={compact ? 'sm' : 'md'}
              aria-label={`${label} ${t('authority.counts.ofTotal', { value, total: counts.recipients })}`}
            />
          </div>
        );
      })}
      {counts.late > 0 && (
        <Text size="xs" fw={700} c="red.9" data-testid="count-late">
          {t('authority.counts.lateCount', { count: counts.late })}
        </Text>
      )}
    </Stack>
  );
}
