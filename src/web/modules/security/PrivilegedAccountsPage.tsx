import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Button, Group, Modal, NumberInput, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { PrivilegedAccountList, PrivilegedAccountView } from '../../../contracts/privileged.js';
import { api, postForFile } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';

type AccountList = z.infer<typeof PrivilegedAccountList>;
type Account = z.infer<typeof PrivilegedAccountView>;
const KEY = ['security-privileged'] as const;
const DAY_MS = 86_400_000;

/** Hand the printed sheet to the browser as a download; it exists nowhere else. */
function saveSheet(blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'break-glass-sheet.pdf';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

function BreakGlassCard({ list, canManage }: { list: AccountList; canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('breakglass');
  const [confirming, setConfirming] = useState(false);
  const account = list.accounts.find((a) => a.kind === 'break_glass');
  const done = async (blob: Blob) => {
    saveSheet(blob);
    setConfirming(false);
    showSuccess(t('privileged.breakGlass.printed'));
    await queryClient.invalidateQueries({ queryKey: KEY });
  };
  const create = useMutation({ mutationFn: () => postForFile('/api/security/privileged/break-glass', { username }), onSuccess: done });
  const reseal = useMutation({ mutationFn: () => postForFile('/api/security/privileged/break-glass/reseal'), onSuccess: done });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Paper withBorder p="md" data-testid="break-glass">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('privileged.breakGlass.title')}
        </Title>
        <Text size="sm">{t('privileged.breakGlass.explain')}</Text>
        {account ? (
          <>
            <Group gap="sm" wrap="wrap">
              <Text fw={700}>{account.username}</Text>
              <StatusBadge
                status={account.breakGlass === 'sealed' ? 'ok' : 'overdue'}
                labelKey={`privileged.breakGlass.state.${account.breakGlass ?? 'unsealed'}`}
              />
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
              <Field label={t('privileged.breakGlass.sealedAt')}>{formatDateTime(account.sealedAt, i18n.language) || '—'}</Field>
              <Field label={t('privileged.breakGlass.usedAt')} testId="break-glass-used-at">
                {formatDateTime(account.usedAt, i18n.language) || t('privileged.never')}
              </Field>
            </SimpleGrid>
            {canManage && (
              <Group>
                <Button
                  variant={account.breakGlass === 'sealed' ? 'default' : 'filled'}
                  onClick={() => setConfirming(true)}
                  data-testid="break-glass-print"
                >
                  {t('privileged.breakGlass.print')}
                </Button>
              </Group>
            )}
            <Modal
              closeButtonProps={{ 'aria-label': t('common.close') }}
              opened={confirming}
              onClose={() => setConfirming(false)}
              title={t('privileged.breakGlass.confirmTitle')}
            >
              <Stack gap="sm">
                <Text size="sm">{t('privileged.breakGlass.confirmText')}</Text>
                <FormError error={reseal.error} />
                <Group justify="flex-end">
                  <Button variant="default" onClick={() => setConfirming(false)}>
                    {t('privileged.breakGlass.cancel')}
                  </Button>
                  <Button color="red" loading={reseal.isPending} onClick={() => reseal.mutate()} data-testid="break-glass-confirm">
                    {t('privileged.breakGlass.confirm')}
                  </Button>
                </Group>
              </Stack>
            </Modal>
          </>
        ) : (
          <>
            <Text size="sm" data-testid="break-glass-none">
              {t('privileged.breakGlass.none')}
            </Text>
            {canManage && (
              <form onSubmit={submit}>
                <Stack gap="sm">
                  <TextInput
                    label={t('privileged.breakGlass.username')}
                    value={username}
                    onChange={(e) => setUsername(e.currentTarget.value)}
                    required
                    maxLength={64}
                    data-testid="break-glass-username"
                  />
                  <FormError error={create.error} />
                  <Group>
                    <Button type="submit" loading={create.isPending} data-testid="break-glass-create">
                      {t('privileged.breakGlass.create')}
                    </Button>
                  </Group>
                </Stack>
              </form>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function AccountCard({ account, now, canManage, canRequire }: { account: Account; now: number; canManage: boolean; canRequire: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const name =
    account.displayNameZh && i18n.language !== 'en'
      ? `${account.displayNameZh} (${account.username})`
      : `${account.displayNameEn} (${account.username})`;
  const kind = useMutation({
    mutationFn: (next: 'personal' | 'shared') => api.put(`/api/security/privileged/accounts/${account.id}/kind`, { kind: next }),
    onSuccess: async () => {
      showSuccess(t('privileged.kindChanged'));
      await queryClient.invalidateQueries({ queryKey: KEY });
    },
  });
  const requireChange = useMutation({
    mutationFn: () => api.post(`/api/security/privileged/accounts/${account.id}/require-change`),
    onSuccess: async () => {
      setConfirming(false);
      showSuccess(t('privileged.requireChange.done', { name: account.username }));
      await queryClient.invalidateQueries({ queryKey: KEY });
    },
  });
  const age = Math.max(0, Math.floor((now - new Date(account.passwordChangedAt).getTime()) / DAY_MS));
  const breakGlass = account.kind === 'break_glass';
  return (
    <Paper withBorder p="md" data-testid={`privileged-${account.username}`}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text fw={700} style={{ overflowWrap: 'anywhere' }}>
            {name}
          </Text>
          <StatusBadge status={account.status} labelKey={`privileged.status.${account.status}`} />
        </Group>
        {account.reasons.length > 0 && (
          <Alert color={account.status === 'overdue' ? 'red' : 'yellow'} variant="light" p="xs" data-testid="privileged-reasons">
            {account.reasons.map((r) => (
              <Text size="sm" key={r}>
                {t(`privileged.reasons.${r}`)}
              </Text>
            ))}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          {canManage && !breakGlass ? (
            <Select
              label={t('privileged.kindLabel')}
              size="xs"
              data={[
                { value: 'personal', label: t('privileged.kinds.personal') },
                { value: 'shared', label: t('privileged.kinds.shared') },
              ]}
              value={account.kind}
              allowDeselect={false}
              onChange={(v) => v && v !== account.kind && kind.mutate(v as 'personal' | 'shared')}
              data-testid="privileged-kind"
            />
          ) : (
            <Field label={t('privileged.kindLabel')}>{t(`privileged.kinds.${account.kind}`)}</Field>
          )}
          <Field label={t('privileged.mfa.label')}>
            {breakGlass ? t('privileged.mfa.notNeeded') : account.mfaEnrolled ? t('privileged.mfa.yes') : t('privileged.mfa.no')}
          </Field>
          <Field label={t('privileged.passwordChanged')}>
            {t('privileged.ageDays', { date: formatDate(account.passwordChangedAt, i18n.language), count: age })}
          </Field>
          <Field label={t('privileged.due')} testId="privileged-due">
            {account.passwordDue ? formatDate(account.passwordDue, i18n.language) : t('privileged.notRotated')}
          </Field>
          {account.changeDeadline && (
            <Field label={t('privileged.changeDeadline')}>{formatDate(account.changeDeadline, i18n.language)}</Field>
          )}
          <Field label={t('privileged.lastLogin')}>{formatDateTime(account.lastLoginAt, i18n.language) || t('privileged.never')}</Field>
        </SimpleGrid>
        <FormError error={kind.error} />
        {canRequire && !breakGlass && (
          <Group>
            <Button size="compact-sm" variant="default" onClick={() => setConfirming(true)} data-testid="privileged-require-change">
              {t('privileged.requireChange.button')}
            </Button>
          </Group>
        )}
        <Modal
          closeButtonProps={{ 'aria-label': t('common.close') }}
          opened={confirming}
          onClose={() => setConfirming(false)}
          title={t('privileged.requireChange.confirmTitle', { name: account.username })}
        >
          <Stack gap="sm">
            <Text size="sm">{t('privileged.requireChange.confirmText')}</Text>
            <FormError error={requireChange.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(false)}>
                {t('privileged.breakGlass.cancel')}
              </Button>
              <Button
                color="red"
                loading={requireChange.isPending}
                onClick={() => requireChange.mutate()}
                data-testid="privileged-require-confirm"
              >
                {t('privileged.requireChange.confirm')}
              </Button>
            </Group>
          </Stack>
        </Modal>
      </Stack>
    </Paper>
  );
}

function RotationForm({ days }: { days: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [value, setValue] = useState<number | string>(days);
  const save = useMutation({
    mutationFn: () => api.put('/api/security/privileged/settings', { rotationDays: Number(value) }),
    onSuccess: async () => {
      showSuccess(t('privileged.rotation.saved'));
      await queryClient.invalidateQueries({ queryKey: KEY });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit}>
      <Group align="flex-end" wrap="wrap" gap="sm">
        <NumberInput
          label={t('privileged.rotation.label')}
          min={30}
          max={730}
          value={value}
          onChange={setValue}
          allowDecimal={false}
          w={{ base: '100%', sm: 320 }}
          data-testid="privileged-rotation-days"
        />
        <Button type="submit" variant="default" loading={save.isPending} data-testid="privileged-rotation-save">
          {t('privileged.rotation.save')}
        </Button>
      </Group>
      <FormError error={save.error} />
    </form>
  );
}

/** Privileged accounts (memo S1): kind, second factor, password age and due date, the break-glass seal. */
export function PrivilegedAccountsPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const list = useQuery({ queryKey: KEY, queryFn: () => api.get<AccountList>('/api/security/privileged') });
  const canManage = hasPermission(me, 'users.manage');
  const canRequire = hasPermission(me, 'users.reset_password');
  if (list.isPending) return <PageLoader />;
  const now = Date.now();
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('privileged.title')}
      </Title>
      <Text size="sm">{t('privileged.explain')}</Text>
      <FormError error={list.error} />
      {list.data && (
        <>
          <Paper withBorder p="md">
            <Stack gap="sm">
              <Text size="sm" data-testid="privileged-rotation">
                {t('privileged.rotation.current', { days: list.data.rotationDays })}
              </Text>
              {canManage && <RotationForm key={list.data.rotationDays} days={list.data.rotationDays} />}
            </Stack>
          </Paper>
          <BreakGlassCard list={list.data} canManage={canManage} />
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" data-testid="privileged-accounts">
            {list.data.accounts.map((a) => (
              <AccountCard key={a.id} account={a} now={now} canManage={canManage} canRequire={canRequire} />
            ))}
          </SimpleGrid>
          {list.data.accounts.length === 0 && <Text>{t('privileged.empty')}</Text>}
        </>
      )}
    </Stack>
  );
}
