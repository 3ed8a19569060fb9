import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const COLOURS: Record<string, string> = {
  ok: '#1e6b30',
  attention: 'yellow.4',
  overdue: 'red.9',
  error: 'gray.7',
  success: '#1e6b30',
  failure: 'red.9',
  current: '#1e6b30',
  planned: 'blue.8',
  on_roll: '#1e6b30',
  serving: '#1e6b30',
  on_leave: 'yellow.4',
};

/** A status shown as words on a coloured badge (colour is never the only signal). */
export function StatusBadge({ status, labelKey }: { status: string; labelKey: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLOURS[status] ?? 'gray.7'} variant="filled" autoContrast style={{ flexShrink: 0, maxWidth: 'none' }}>
      {t(labelKey, { defaultValue: status })}
    </Badge>
  );
}
