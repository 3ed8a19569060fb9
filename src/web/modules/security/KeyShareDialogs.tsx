/** The school key's recovery shares: issue and print them, a holder confirms theirs, two of them recover the key. */
import { useState, type FormEvent } from 'react';
import { Alert, Button, Card, Code, Group, Modal, NumberInput, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { HOLDER_ROLES, type RecoverResult } from '../../../contracts/security-key.js';
import { api, postForFile } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { KEY_WINDOW_QUERY, KeyWindowNote, KeyWordsShown, windowOpen } from './keyWindow.js';
import { STATUS_QUERY, useWords, type Status, type Issued, type HolderRole } from './keyParts.js';

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

export function IssueSharesModal({ status, onClose }: { status: Status; onClose: () => void }) {
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

export function ConfirmShareModal({
  setId,
  holderNo,
  name,
  onClose,
}: {
  setId: string;
  holderNo: number;
  name: string;
  onClose: () => void;
}) {
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

export function RecoverModal({ onClose }: { onClose: () => void }) {
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
