import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Previous / next with "51–100 of 230". */
export function Pager({
  offset,
  shown,
  total,
  pageSize,
  onChange,
  testIdPrefix,
}: {
  offset: number;
  shown: number;
  total: number;
  pageSize: number;
  onChange: (offset: number) => void;
  testIdPrefix: string;
}) {
  const { t } = useTranslation();
  return (
    <Group gap="sm">
      <Button
        variant="default"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - pageSize))}
        data-testid={`${testIdPrefix}-previous`}
      >
        {t('common.previous')}
      </Button>
      <Text size="sm" data-testid={`${testIdPrefix}-count`}>
        {t('common.range', { from: shown === 0 ? 0 : offset + 1, to: offset + shown, total })}
      </Text>
      <Button
        variant="default"
        disabled={offset + shown >= total}
        onClick={() => onChange(offset + pageSize)}
        data-testid={`${testIdPrefix}-next`}
      >
        {t('common.next')}
      </Button>
    </Group>
  );
}
