import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Checkbox, Code, Group, Modal, NumberInput, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { type RotateResult } from '../../../contracts/security-key.js';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { KEY_WINDOW_QUERY, KeyWindowNote, KeyWordsShown, windowOpen } from './keyWindow.js';
import { STATUS_QUERY, useWords, Section, Fact, type Status } from './keyParts.js';
import { ConfirmShareModal, IssueSharesModal, RecoverModal } from './KeyShareDialogs.js';

function UnlockSection({ status }: { status: Status }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const words = useWords(false);
  const refresh = () =>
    Promise.all([queryClient.invalidateQueries({ queryKey: STATUS_QUERY }), queryClient.invalidateQueries({ queryKey: KEY_WINDOW_QUERY })]);
  const unlock = useMutation({
    mutationFn: (body: { words?: string[] }) => api.post('/api/security/key/unlock', body),
    onSuccess: async () => {
      words.clear();
      await refresh();
    },
  });
  const lock = useMutation({ mutationFn: () => api.post('/api/security/key/lock', {}), onSuccess: refresh });
  const open = windowOpen(status);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = words.take();
    if (body) unlock.mutate(body);
  };
  return (
    <Section title={t('schoolKey.window.title')} testId="key-window">
      <Text size="sm">{t('schoolKey.window.explain', { minutes: status.windowMinutes })}</Text>
      {open && status.unlockedUntil ? (
        <Group justify="space-between" wrap="wrap">
          <KeyWindowNote until={status.unlockedUntil} />
          <Button variant="default" onClick={() => lock.mutate()} loading={lock.isPending} data-testid="key-lock">
            {t('schoolKey.window.lock')}
          </Button>
        </Group>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            {words.field('key-unlock-words')}
            <FormError error={unlock.error} testId="key-unlock-error" />
            <Group>
              <Button type="submit" loading={unlock.isPending} data-testid="key-unlock">
                {t('schoolKey.window.unlock')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Section>
  );
}

function RotateModal({ status, onClose }: { status: Status; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const words = useWords(windowOpen(status));
  const [written, setWritten] = useState(false);
  const rotate = useMutation({
    mutationFn: (body: { words?: string[] }) => api.post<z.infer<typeof RotateResult>>('/api/security/key/rotate', body),
    onSuccess: () => words.clear(),
  });
  const finish = async () => {
    await queryClient.invalidateQueries({ queryKey: STATUS_QUERY });
    await queryClient.invalidateQueries({ queryKey: KEY_WINDOW_QUERY });
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = words.take();
    if (body) rotate.mutate(body);
  };
  const done = rotate.data;
  return (
    <Modal
      opened
      onClose={() => (done ? undefined : onClose())}
      withCloseButton={!done}
      closeOnEscape={!done}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      title={t('schoolKey.rotate.title')}
      size="lg"
    >
      {done ? (
        <Stack gap="sm">
          <Alert color="red" variant="outline" role="alert">
            <Text size="sm">{t('schoolKey.rotate.writeDown', { version: done.version })}</Text>
          </Alert>
          <KeyWordsShown words={done.words} testId="new-key-words" />
          <Text size="sm">
            {t('schoolKey.fingerprint')} <Code data-testid="new-key-fingerprint">{done.fingerprint}</Code>
          </Text>
          <Text size="sm" data-testid="rotate-rewrapped">
            {t('schoolKey.rotate.rewrapped', { count: done.rewrapped })}
          </Text>
          <Text size="sm">{t('schoolKey.rotate.nextShares')}</Text>
          <Checkbox
            label={t('schoolKey.rotate.ack')}
            checked={written}
            onChange={(e) => setWritten(e.currentTarget.checked)}
            data-testid="rotate-ack"
          />
          <Group justify="flex-end">
            <Button disabled={!written} onClick={() => void finish()} data-testid="rotate-done">
              {t('common.continue')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <Text size="sm">{t('schoolKey.rotate.explain')}</Text>
            {windowOpen(status) && status.unlockedUntil && <KeyWindowNote until={status.unlockedUntil} />}
            {words.field('rotate-words')}
            <FormError error={rotate.error} testId="rotate-error" />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" color="red" loading={rotate.isPending} data-testid="rotate-submit">
                {t('schoolKey.rotate.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function PeriodForm({ status }: { status: Status }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [months, setMonths] = useState<number>(status.rotationMonths);
  const save = useMutation({
    mutationFn: () => api.put('/api/security/key/settings', { rotationMonths: months }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: STATUS_QUERY });
      showSuccess(t('schoolKey.period.saved'));
    },
  });
  return (
    <Group align="flex-end" wrap="wrap">
      <NumberInput
        label={t('schoolKey.period.label')}
        min={1}
        max={60}
        value={months}
        onChange={(v) => setMonths(typeof v === 'number' ? v : status.rotationMonths)}
        w={200}
        data-testid="key-period"
      />
      <Button variant="default" onClick={() => save.mutate()} loading={save.isPending} data-testid="key-period-save">
        {t('common.save')}
      </Button>
      <FormError error={save.error} />
    </Group>
  );
}

/** The school key (memo S1): what it is, its state, the unlock window, rotation, recovery shares and recovery, its history. */
export function SchoolKeyPage() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const status = useQuery({ queryKey: STATUS_QUERY, queryFn: () => api.get<Status>('/api/security/key') });
  const [modal, setModal] = useState<'rotate' | 'shares' | 'recover' | null>(null);
  const [confirming, setConfirming] = useState<{ holderNo: number; name: string } | null>(null);
  const manage = hasPermission(me, 'school_key.manage');
  if (status.isPending) return <PageLoader />;
  const s = status.data;
  if (!s) return <FormError error={status.error} />;
  const lang = i18n.language;
  const shares = s.shares;
  const confirmed = shares?.holders.filter((h) => h.confirmedAt).length ?? 0;
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('schoolKey.title')}
      </Title>
      <Text size="sm">{t('schoolKey.intro')}</Text>
      <Alert color={shares ? 'blue' : 'red'} variant="outline" data-testid="key-loss-explain">
        <Text size="sm">{t('schoolKey.lossExplain')}</Text>
      </Alert>

      <Section title={t('schoolKey.status.title')} testId="key-status">
        <Fact label={t('schoolKey.status.version')}>
          <span data-testid="key-version">{s.version}</span>
        </Fact>
        <Fact label={t('schoolKey.fingerprint')}>
          <Code data-testid="key-fingerprint">{s.fingerprint}</Code>
        </Fact>
        <Fact label={t('schoolKey.status.made')}>
          {t('schoolKey.status.madeBy', { date: formatDate(s.createdAt, lang), name: s.createdBy })}
        </Fact>
        <Fact label={t('schoolKey.status.due')}>
          <Group gap="xs">
            <span>{formatDate(s.rotationDue, lang)}</span>
            {s.rotationOverdue && (
              <Badge color="red.9" variant="filled" data-testid="key-overdue">
                {t('schoolKey.status.overdue')}
              </Badge>
            )}
          </Group>
        </Fact>
        <Fact label={t('schoolKey.status.wrapped')}>
          <span data-testid="key-wrapped">{t('schoolKey.status.wrappedCount', { count: s.wrappedCurrent })}</span>
          {s.wrappedOlder > 0 && <span> · {t('schoolKey.status.wrappedOlder', { count: s.wrappedOlder })}</span>}
        </Fact>
        {manage ? <PeriodForm status={s} /> : <Fact label={t('schoolKey.period.label')}>{s.rotationMonths}</Fact>}
        {manage && (
          <Group wrap="wrap">
            <Button color="red" onClick={() => setModal('rotate')} data-testid="key-rotate">
              {t('schoolKey.rotate.open')}
            </Button>
          </Group>
        )}
      </Section>

      <UnlockSection status={s} />

      <Section title={t('schoolKey.shares.title')} testId="key-shares">
        <Text size="sm">{t('schoolKey.shares.why')}</Text>
        {shares ? (
          <>
            <Text size="sm" data-testid="shares-summary">
              {t('schoolKey.shares.summary', {
                threshold: shares.threshold,
                count: shares.holders.length,
                confirmed,
                date: formatDate(shares.issuedAt, lang),
              })}
            </Text>
            <Table.ScrollContainer minWidth={360} type="native" tabIndex={0}>
              <Table data-testid="shares-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('schoolKey.shares.holder')}</Table.Th>
                    <Table.Th>{t('schoolKey.shares.state')}</Table.Th>
                    {manage && <Table.Th>{t('common.actions')}</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shares.holders.map((h) => (
                    <Table.Tr key={h.holderNo} data-testid={`share-row-${h.holderNo}`}>
                      <Table.Td>
                        {h.holderNo}. {h.holderName}
                        <Text size="xs">{t(`schoolKey.roles.${h.holderRole}`)}</Text>
                      </Table.Td>
                      <Table.Td data-testid={`share-state-${h.holderNo}`} data-confirmed={h.confirmedAt ? 'yes' : 'no'}>
                        {h.confirmedAt
                          ? t('schoolKey.shares.confirmedOn', { date: formatDateTime(h.confirmedAt, lang) })
                          : h.printedAt
                            ? t('schoolKey.shares.printedOn', { date: formatDateTime(h.printedAt, lang) })
                            : t('schoolKey.shares.notPrinted')}
                      </Table.Td>
                      {manage && (
                        <Table.Td>
                          {!h.confirmedAt && (
                            <Button
                              size="xs"
                              variant="default"
                              onClick={() => setConfirming({ holderNo: h.holderNo, name: h.holderName })}
                              data-testid={`confirm-share-${h.holderNo}`}
                            >
                              {t('schoolKey.shares.confirm')}
                            </Button>
                          )}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        ) : (
          <Text size="sm" c="red.9" data-testid="shares-none">
            {t('schoolKey.shares.none')}
          </Text>
        )}
        {manage && (
          <Group wrap="wrap">
            <Button onClick={() => setModal('shares')} data-testid="shares-open">
              {shares ? t('schoolKey.shares.reissue') : t('schoolKey.shares.issue')}
            </Button>
            <Button variant="default" onClick={() => setModal('recover')} data-testid="recover-open">
              {t('schoolKey.recover.open')}
            </Button>
          </Group>
        )}
      </Section>

      <Section title={t('schoolKey.history.title')} testId="key-history">
        <Table.ScrollContainer minWidth={360} type="native" tabIndex={0}>
          <Table striped data-testid="key-history-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('schoolKey.status.version')}</Table.Th>
                <Table.Th>{t('schoolKey.history.made')}</Table.Th>
                <Table.Th>{t('schoolKey.history.retired')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.history.map((v) => (
                <Table.Tr key={v.version} data-testid={`key-history-${v.version}`}>
                  <Table.Td>
                    {v.version}
                    <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                      {v.fingerprint}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {formatDateTime(v.createdAt, lang)}
                    <Text size="xs">{v.createdBy === 'setup' ? t('schoolKey.history.setup') : v.createdBy}</Text>
                    {v.rewrapped !== null && <Text size="xs">{t('schoolKey.rotate.rewrapped', { count: v.rewrapped })}</Text>}
                  </Table.Td>
                  <Table.Td>{v.retiredAt ? formatDateTime(v.retiredAt, lang) : t('schoolKey.history.inForce')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Section>

      {modal === 'rotate' && <RotateModal status={s} onClose={() => setModal(null)} />}
      {modal === 'shares' && <IssueSharesModal status={s} onClose={() => setModal(null)} />}
      {modal === 'recover' && <RecoverModal onClose={() => setModal(null)} />}
      {confirming && shares && (
        <ConfirmShareModal setId={shares.setId} holderNo={confirming.holderNo} name={confirming.name} onClose={() => setConfirming(null)} />
      )}
    </Stack>
  );
}
