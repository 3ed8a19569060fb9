import { Alert, Anchor, Button, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { z } from 'zod';
import type { AskResult, CheckView } from '../../../contracts/governance.js';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate } from '../../components/format.js';
import { StatusBadge } from '../../components/StatusBadge.js';

export type Check = z.infer<typeof CheckView>;

/** A check may word a part itself in both languages (`missingEn`, `missingZh`): the reader's language gives `missing`. */
export function inLanguage(params: Check['params'], language: string): Check['params'] {
  const suffix = language.startsWith('zh') ? 'Zh' : 'En';
  const out = { ...params };
  for (const [key, value] of Object.entries(params)) if (key.endsWith(suffix)) out[key.slice(0, -suffix.length)] = value;
  return out;
}

/** The check's title (the same words the notifications use), falling back to its memo item's title. */
export function useCheckTitle(): (check: Pick<Check, 'key' | 'memo'>) => string {
  const { t } = useTranslation();
  return (check) => t(`checkTitles.${check.key.replaceAll('.', '_')}`, { defaultValue: t(`dashboard.items.${check.memo}`) });
}

/** "Ask them to act": one click tells the people who hold the owner's right (once a day per item; the server keeps it so). */
export function AskButton({ check, explain }: { check: Check; explain: boolean }) {
  const { t } = useTranslation();
  const ask = useMutation({ mutationFn: () => api.post<z.infer<typeof AskResult>>(`/api/dashboard/checks/${check.key}/ask`) });
  const people = check.owner.people.join('、');
  return (
    <Stack gap={4}>
      {explain && <Text size="sm">{t('dashboard.cannotFix', { people })}</Text>}
      {ask.data ? (
        <Text size="sm" role="status" data-testid="ask-result">
          {ask.data.already ? t('dashboard.askAlready') : t('dashboard.askSent', { people })}
        </Text>
      ) : (
        <Group>
          <Button size="xs" variant="light" loading={ask.isPending} onClick={() => ask.mutate()} data-testid="ask-owner">
            {t('dashboard.ask', { people })}
          </Button>
        </Group>
      )}
      {ask.isError && <FormError error={ask.error} />}
    </Stack>
  );
}

/** One check: status, summary, evidence, due date, who must act, and where this reader may go from here. */
export function CheckCard({ check, detailed = false }: { check: Check; detailed?: boolean }) {
  const { t, i18n } = useTranslation();
  const title = useCheckTitle()(check);
  const Heading = detailed ? (
    <Title order={2} size="h4">
      {t('dashboard.memoItem', { memo: check.memo })} · {title}
    </Title>
  ) : (
    <Title order={3} size="h5">
      {check.memo} · {title}
    </Title>
  );
  return (
    <Card withBorder data-testid={`check-${check.key}`} data-status={check.status}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          {Heading}
          <StatusBadge status={check.status} labelKey={`dashboard.status.${check.status}`} />
        </Group>
        <Text size="sm">{t(check.summaryKey, { ...inLanguage(check.params, i18n.language), defaultValue: t('dashboard.noSummary') })}</Text>
        {check.evidence.length > 0 && (
          <List size="sm" spacing={2} aria-label={t('dashboard.evidence')}>
            {check.evidence.map((line, index) => (
              <List.Item key={`${index}-${line}`}>{line}</List.Item>
            ))}
          </List>
        )}
        {check.due && <Text size="sm">{t('dashboard.due', { date: formatDate(check.due, i18n.language) })}</Text>}
        {(detailed || check.status !== 'ok') && (
          <Text size="sm" data-testid="check-owner">
            {check.owner.people.length > 0
              ? t('dashboard.owner', { people: check.owner.people.join('、') })
              : t('dashboard.ownerNobody', { right: t(`permissionLabels.${check.owner.permission.replaceAll('.', '_')}`) })}
          </Text>
        )}
        {check.canAsk && <AskButton check={check} explain={detailed} />}
        <Group gap="md">
          {check.link && (
            <Anchor component={Link} to={check.link} size="sm" fw={700} data-testid="check-act">
              {t('dashboard.act')}
            </Anchor>
          )}
          {!detailed && (
            <Anchor component={Link} to={check.detail} size="sm" data-testid="check-detail">
              {check.link ? t('dashboard.details') : t('dashboard.viewEvidence')}
            </Anchor>
          )}
        </Group>
        {!check.link && detailed && (
          <Alert variant="light" color="gray" p="xs">
            <Text size="sm">{t('dashboard.readOnly')}</Text>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
