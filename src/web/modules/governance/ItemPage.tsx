import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { z } from 'zod';
import type { CheckDetail } from '../../../contracts/governance.js';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { PageLoader } from '../../components/session.js';
import { CheckCard } from './CheckCard.js';

/**
 * One dashboard item, read-only, for anyone who reads the dashboard: the check's summary, evidence, owner and due
 * date; the fixing page only if the reader may open it, else who can fix it and a one-click way to ask them.
 */
export function ItemPage() {
  const { t, i18n } = useTranslation();
  const { key = '' } = useParams();
  const detail = useQuery({
    queryKey: ['dashboard', 'check', key],
    queryFn: () => api.get<z.infer<typeof CheckDetail>>(`/api/dashboard/checks/${encodeURIComponent(key)}`),
  });
  if (detail.isPending) return <PageLoader />;
  if (detail.isError) return <FormError error={detail.error} />;
  const { check, evaluatedAt } = detail.data;
  return (
    <Stack gap="md" data-testid="dashboard-item">
      <Anchor component={Link} to="/" size="sm">
        {t('dashboard.back')}
      </Anchor>
      <Title order={1} size="h2">
        {t('dashboard.itemTitle', { memo: check.memo, item: t(`dashboard.items.${check.memo}`) })}
      </Title>
      <Text size="sm">{t('dashboard.evaluatedAt', { time: formatDateTime(evaluatedAt, i18n.language) })}</Text>
      <CheckCard check={check} detailed />
    </Stack>
  );
}
