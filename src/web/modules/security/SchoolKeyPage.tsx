import { useState, type FormEvent, type ReactNode } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import {
  HOLDER_ROLES,
  KEY_WORDS,
  type IssuedShares,
  type RecoverResult,
  type RotateResult,
  type SchoolKeyStatus,
  wordsFromText,
} from '../../../contracts/security-key.js';
import { api, postForFile } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { KEY_WINDOW_QUERY, KeyWindowNote, KeyWordsShown, windowOpen } from './keyWindow.js';

type Status = z.infer<typeof SchoolKeyStatus>;
type Issued = z.infer<typeof IssuedShares>;
type HolderRole = (typeof HOLDER_ROLES)[number];

const STATUS_QUERY = ['school-key'] as const;

/** The 24 words typed or pasted in one box ("1. word" numbering, spaces or new lines between them). */
function WordsField({ value, onChange, testId, tried }: { value: string; onChange: (v: string) => void; testId: string; tried: boolean }) {
  const { t } = useTranslation();
  const count = wordsFromText(value).length;
  return (
    <Textarea
      label={t('schoolKey.words')}
      description={t('schoolKey.wordsHint')}
      autosize
      minRows={3}
      maxRows={8}
      autoComplete="off"
      autoCapitalize="none"
      spellCheck={false}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={tried && count !== KEY_WORDS ? t('schoolKey.wordCount', { count, expected: KEY_WORDS }) : undefined}
      data-testid={testId}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
    />
  );
}

/** Words from the box when the key is not unlocked for this session; `undefined` uses the unlocked key. */
function useWords(unlocked: boolean) {
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const words = wordsFromText(text);
  return {
    field: (testId: string) => (unlocked ? null : <WordsField value={text} onChange={setText} testId={testId} tried={tried} />),
    /** The body's `words`, or null when the count is wrong (the field then says so). */
    take: (): { words?: string[] } | null => {
      setTried(true);
      if (unlocked) return {};
      return words.length === KEY_WORDS ? { words } : null;
    },
    clear: () => {
      setText('');
      setTried(false);
    },
  };
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap="xs" wrap="wrap">
      <Text size="sm" fw={700}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Group>
  );
}

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

const DEFAULT_HOLDERS: { name: string; role: HolderRole }[] = [
  { name: '', role: 'principal' },
  { name: '', role: 'system_admin' },
  { name: '', role: 'safe' },
];

async function printSheet(setId: string, holderNo: number, share: string, lang: string) {
  const blob = await postForFile(`/api/security/key/shares/${setId}/${holderNo}/sheet`, { share, lang: lang === 'en' ? 'en' : 'zh-HK' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `school-key-share-${holderNo}.pdf`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function IssueSharesModal({ status, onClose }: { status: Status; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const words = useWords(windowOpen(status));
  const [holders, setHolders] = useState(DEFAULT_HOLDERS);
  const [threshold, setThreshold] = useState(2);
  const [tried, setTried] = useState(false);
  const [printed, setPrinted] = useState<Set<number>>(new Set());
  const issue = useMutation({
    mutationFn: (body: object) => api.post<Issued>('/api/security/key/shares', body),
    onSuccess: async () => {
      words.clear();
      await queryClient.invalidateQueries({ queryKey: STATUS_QUERY });
    },
  });
  const print = useMutation({
    mutationFn: async ({ holderNo, share }: { holderNo: number; share: string }) => {
      if (!issue.data) return;
      await printSheet(issue.data.setId, holderNo, share, i18n.language);
      setPrinted((p) => new Set(p).add(holderNo));
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const body = words.take();
    if (!body || holders.some((h) => !h.name.trim())) return;
    issue.mutate({ ...body, threshold, holders: holders.map((h) => ({ name: h.name.trim(), role: h.role })) });
  };
  const done = issue.data;
  const roleOptions = HOLDER_ROLES.map((r) => ({ value: r, label: t(`schoolKey.roles.${r}`) }));
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      title={t('schoolKey.shares.issueTitle')}
      size="lg"
    >
      {done ? (
        <Stack gap="sm">
          <Alert color="red" variant="outline" role="alert">
            <Text size="sm">{t('schoolKey.shares.printNow', { threshold: done.threshold, count: done.shares.length })}</Text>
          </Alert>
          {done.shares.map((s) => (
            <Card key={s.holderNo} withBorder padding="sm" data-testid={`issued-share-${s.holderNo}`}>
              <Stack gap={4}>
                <Text size="sm" fw={700}>
                  {s.holderNo}. {s.holderName} · {t(`schoolKey.roles.${s.holderRole}`)}
                </Text>
                <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid={`issued-share-text-${s.holderNo}`}>
                  {s.share}
                </Code>
                <Group>
                  <Button
                    size="xs"
                    variant={printed.has(s.holderNo) ? 'default' : 'filled'}
                    onClick={() => print.mutate({ holderNo: s.holderNo, share: s.share })}
                    data-testid={`print-share-${s.holderNo}`}
                  >
                    {printed.has(s.holderNo) ? t('schoolKey.shares.printAgain') : t('schoolKey.shares.print')}
                  </Button>
                </Group>
              </Stack>
            </Card>
          ))}
          <FormError error={print.error} testId="print-error" />
          <Group justify="flex-end">
            <Button disabled={printed.size < done.shares.length} onClick={onClose} data-testid="shares-done">
              {t('common.continue')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <Text size="sm">{t('schoolKey.shares.explain')}</Text>
            {holders.map((h, i) => (
              <Group key={i} align="flex-end" wrap="wrap" gap="xs">
                <TextInput
                  style={{ flex: '1 1 12rem' }}
                  label={t('schoolKey.shares.holderName', { n: i + 1 })}
                  value={h.name}
                  error={tried && !h.name.trim() ? t('zod.required') : undefined}
                  onChange={(e) => {
                    const name = e.currentTarget.value;
                    setHolders((all) => all.map((x, j) => (j === i ? { ...x, name } : x)));
                  }}
                  data-testid={`holder-name-${i + 1}`}
                />
                <Select
                  style={{ flex: '1 1 10rem' }}
                  label={t('schoolKey.shares.holderRole')}
                  data={roleOptions}
                  value={h.role}
                  allowDeselect={false}
                  onChange={(v) => setHolders((all) => all.map((x, j) => (j === i ? { ...x, role: v ?? 'other' } : x)))}
                />
                {holders.length > 2 && (
                  <Button variant="subtle" color="red" onClick={() => setHolders((all) => all.filter((_, j) => j !== i))}>
                    {t('schoolKey.shares.remove')}
                  </Button>
                )}
              </Group>
            ))}
            <Group wrap="wrap">
              {holders.length < 7 && (
                <Button variant="default" size="xs" onClick={() => setHolders((all) => [...all, { name: '', role: 'other' }])}>
                  {t('schoolKey.shares.add')}
                </Button>
              )}
              <NumberInput
                label={t('schoolKey.shares.threshold')}
                min={2}
                max={Math.max(2, Math.min(5, holders.length))}
                value={threshold}
                onChange={(v) => setThreshold(typeof v === 'number' ? v : 2)}
                w={160}
                data-testid="shares-threshold"
              />
            </Group>
            {windowOpen(status) && status.unlockedUntil && <KeyWindowNote until={status.unlockedUntil} />}
            {words.field('shares-words')}
            <FormError error={issue.error} testId="shares-error" />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={issue.isPending} data-testid="shares-submit">
                {t('schoolKey.shares.issue')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function ConfirmShareModal({ setId, holderNo, name, onClose }: { setId: string; holderNo: number; name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [share, setShare] = useState('');
  const confirm = useMutation({
    mutationFn: () => api.post(`/api/security/key/shares/${setId}/${holderNo}/confirm`, { share }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: STATUS_QUERY });
      showSuccess(t('schoolKey.shares.confirmed', { name }));
      onClose();
    },
  });
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      title={t('schoolKey.shares.confirmTitle', { name })}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (share.trim()) confirm.mutate();
        }}
        noValidate
      >
        <Stack gap="sm">
          <Text size="sm">{t('schoolKey.shares.confirmExplain')}</Text>
          <Textarea
            label={t('schoolKey.shares.shareText')}
            autosize
            minRows={2}
            autoComplete="off"
            spellCheck={false}
            value={share}
            onChange={(e) => setShare(e.currentTarget.value)}
            data-testid="confirm-share-text"
          />
          <FormError error={confirm.error} testId="confirm-share-error" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={confirm.isPending} data-testid="confirm-share-submit">
              {t('schoolKey.shares.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RecoverModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [shares, setShares] = useState(['', '']);
  const recover = useMutation({
    mutationFn: () =>
      api.post<z.infer<typeof RecoverResult>>('/api/security/key/recover', { shares: shares.map((s) => s.trim()).filter(Boolean) }),
    onSuccess: async () => {
      setShares(['', '']);
      await queryClient.invalidateQueries({ queryKey: STATUS_QUERY });
      await queryClient.invalidateQueries({ queryKey: KEY_WINDOW_QUERY });
    },
  });
  const done = recover.data;
  return (
    <Modal opened onClose={onClose} closeButtonProps={{ 'aria-label': t('common.close') }} title={t('schoolKey.recover.title')} size="lg">
      {done ? (
        <Stack gap="sm">
          <Alert color="red" variant="outline" role="alert">
            <Text size="sm">{t('schoolKey.recover.done')}</Text>
          </Alert>
          <KeyWordsShown words={done.words} testId="recovered-words" />
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="recover-close">
              {t('common.close')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            recover.mutate();
          }}
          noValidate
        >
          <Stack gap="sm">
            <Text size="sm">{t('schoolKey.recover.explain')}</Text>
            {shares.map((s, i) => (
              <Textarea
                key={i}
                label={t('schoolKey.recover.share', { n: i + 1 })}
                autosize
                minRows={2}
                autoComplete="off"
                spellCheck={false}
                value={s}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setShares((all) => all.map((x, j) => (j === i ? v : x)));
                }}
                data-testid={`recover-share-${i + 1}`}
              />
            ))}
            {shares.length < 7 && (
              <Group>
                <Button variant="default" size="xs" onClick={() => setShares((all) => [...all, ''])}>
                  {t('schoolKey.recover.add')}
                </Button>
              </Group>
            )}
            <FormError error={recover.error} testId="recover-error" />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={recover.isPending} data-testid="recover-submit">
                {t('schoolKey.recover.submit')}
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
