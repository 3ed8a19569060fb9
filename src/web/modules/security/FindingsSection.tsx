import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Group, Modal, Select, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { FINDINGS_KEY, type Finding, type FindingListView, SEVERITY_COLOURS, formatDay, hongKongDay } from './securityShared.js';

const DATE_PARAMS = ['since', 'left', 'published', 'seen'] as const;

/** The sentence for a finding, in the reader's language: dates as Hong Kong dates, codes as words. */
export function findingText(f: Finding, t: TFunction, language: string): string {
  const p: Record<string, string | number> = { ...f.params };
  for (const k of DATE_PARAMS) if (typeof p[k] === 'string') p[k] = formatDay(p[k], language);
  let key: string = f.check;
  if (f.check === 'failed_signin_burst' && p.kind === 'school') key = 'failed_signin_school';
  if (f.check === 'session_over_limit' && p.kind === 'stale') key = 'session_stale';
  if (f.check === 'new_signin_zone')
    p.zone = p.zone === 'internet' ? t('securityCentre.zoneInternet') : String(language === 'en' ? p.zoneEn : p.zoneZh);
  if (f.check === 'audit_chain_broken') p.reason = t(`securityCentre.chainReasons.${String(p.reason)}`, { defaultValue: '' });
  return t(`securityCentre.findings.${key}`, p);
}

function AcceptModal({ finding, onClose }: { finding: Finding | null; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState(() => hongKongDay(30));
  const accept = useMutation({
    mutationFn: () => api.post(`/api/security/findings/${finding?.id ?? ''}/accept`, { reason: reason.trim(), until }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: FINDINGS_KEY });
      showSuccess(t('securityCentre.acceptedToast'));
      setReason('');
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    accept.mutate();
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened={!!finding}
      onClose={onClose}
      title={t('securityCentre.acceptTitle')}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('securityCentre.acceptExplain')}</Text>
          <Textarea
            label={t('securityCentre.reason')}
            required
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-testid="accept-reason"
          />
          <DateField
            label={t('securityCentre.until')}
            required
            value={until}
            onChange={(value) => setUntil(value)}
            data-testid="accept-until"
          />
          <FormError error={accept.error} />
          <Button type="submit" loading={accept.isPending} disabled={reason.trim().length < 3 || !until} data-testid="accept-save">
            {t('securityCentre.acceptSave')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function FindingCard({ finding, canManage, onAccept }: { finding: Finding; canManage: boolean; onAccept: (f: Finding) => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const review = useMutation({
    mutationFn: () => api.post(`/api/security/findings/${finding.id}/review`, {}),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: FINDINGS_KEY });
      showSuccess(t('securityCentre.reviewedToast'));
    },
  });
  const lang = i18n.language;
  return (
    <Card withBorder data-testid={`finding-${finding.check}`} data-status={finding.status} data-severity={finding.severity}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Title order={3} size="h6">
            {t(`securityCentre.checks.${finding.check}`)}
          </Title>
          <Group gap={4} wrap="nowrap">
            <Badge color={SEVERITY_COLOURS[finding.severity]} variant="filled" autoContrast>
              {t(`securityCentre.severity.${finding.severity}`)}
            </Badge>
            <StatusBadge
              status={finding.status === 'open' ? 'attention' : finding.status === 'fixed' ? 'ok' : 'planned'}
              labelKey={`securityCentre.status.${finding.status}`}
            />
          </Group>
        </Group>
        <Text size="sm" data-testid="finding-text" style={{ overflowWrap: 'anywhere' }}>
          {findingText(finding, t, lang)}
        </Text>
        <Text size="xs">
          {t('securityCentre.firstSeen')}: {formatDateTime(finding.firstSeenAt, lang)} · {t('securityCentre.lastSeen')}:{' '}
          {formatDateTime(finding.lastSeenAt, lang)}
          {finding.fixedAt && ` · ${t('securityCentre.fixedAt', { at: formatDateTime(finding.fixedAt, lang) })}`}
        </Text>
        {finding.status !== 'fixed' && (
          <Text size="xs" data-testid="finding-owner">
            {t('securityCentre.owner')}:{' '}
            {finding.owner.people.length > 0
              ? finding.owner.people.join('、')
              : `${t('securityCentre.ownerNobody')} (${t(`permissionLabels.${finding.owner.permission.replaceAll('.', '_')}`)})`}
          </Text>
        )}
        {finding.accepted && (
          <Text size="xs" data-testid="finding-accepted">
            {t('securityCentre.acceptedBy', {
              until: formatDate(finding.accepted.until, lang),
              by: finding.accepted.by ?? '',
              reason: finding.accepted.reason,
            })}
          </Text>
        )}
        {finding.status !== 'fixed' && (
          <Text size="xs">
            {finding.reviewedAt
              ? t('securityCentre.reviewedBy', { at: formatDateTime(finding.reviewedAt, lang), by: finding.reviewedBy ?? '' })
              : t('securityCentre.notReviewed')}
          </Text>
        )}
        <FormError error={review.error} />
        {canManage && finding.status !== 'fixed' && (
          <Group gap="xs">
            <Button
              size="compact-sm"
              variant="default"
              loading={review.isPending}
              onClick={() => review.mutate()}
              data-testid="finding-review"
            >
              {t('securityCentre.review')}
            </Button>
            {finding.status === 'open' && (
              <Button size="compact-sm" variant="default" onClick={() => onAccept(finding)} data-testid="finding-accept">
                {t('securityCentre.accept')}
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </Card>
  );
}

/** The findings, filtered by status and severity, with accept and review. */
export function FindingsSection({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string>('open');
  const [severity, setSeverity] = useState<string>('all');
  const [accepting, setAccepting] = useState<Finding | null>(null);
  const query = new URLSearchParams();
  if (status !== 'all') query.set('status', status);
  if (severity !== 'all') query.set('severity', severity);
  const findings = useQuery({
    queryKey: [...FINDINGS_KEY, status, severity],
    queryFn: () => api.get<FindingListView>(`/api/security/findings?${query.toString()}`),
  });
  const all = { value: 'all', label: t('securityCentre.all') };
  return (
    <Stack gap="sm" data-testid="findings">
      <Group gap="sm" align="flex-end">
        <Select
          label={t('securityCentre.filterStatus')}
          data={[all, ...(['open', 'accepted', 'fixed'] as const).map((v) => ({ value: v, label: t(`securityCentre.status.${v}`) }))]}
          value={status}
          onChange={(v) => setStatus(v ?? 'all')}
          allowDeselect={false}
          comboboxProps={{ withinPortal: false }}
          w={160}
          data-testid="filter-status"
        />
        <Select
          label={t('securityCentre.filterSeverity')}
          data={[all, ...(['high', 'medium', 'low'] as const).map((v) => ({ value: v, label: t(`securityCentre.severity.${v}`) }))]}
          value={severity}
          onChange={(v) => setSeverity(v ?? 'all')}
          allowDeselect={false}
          comboboxProps={{ withinPortal: false }}
          w={160}
          data-testid="filter-severity"
        />
      </Group>
      <FormError error={findings.error} />
      {findings.data?.findings.length === 0 && <Text size="sm">{t('securityCentre.none')}</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {findings.data?.findings.map((f) => (
          <FindingCard key={f.id} finding={f} canManage={canManage} onAccept={setAccepting} />
        ))}
      </SimpleGrid>
      <AcceptModal finding={accepting} onClose={() => setAccepting(null)} />
    </Stack>
  );
}
