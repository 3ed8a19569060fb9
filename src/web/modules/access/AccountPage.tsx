import { useState, type FormEvent } from 'react';
import { Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError, type RecoveryCodesView, type SessionListView } from '../../api.js';
import { ChangePasswordForm } from '../../components/ChangePasswordForm.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { RecoveryCodesList } from '../../components/RecoveryCodesList.js';
import { meQuery, PageLoader, useMe, useSetLocale } from '../../components/session.js';
import { currentLocale } from '../../i18n/index.js';
import { browserLabel } from '../../components/labels.js';
import { ssoProblem } from './LoginPage.js';

function LanguageSection() {
  const { t } = useTranslation();
  const setLocale = useSetLocale();
  const [error, setError] = useState<unknown>(null);
  return (
    <Stack gap="xs" maw={320}>
      <Select
        label={t('common.language')}
        data={[
          { value: 'zh-HK', label: '中文（香港）' },
          { value: 'en', label: 'English' },
        ]}
        value={currentLocale()}
        allowDeselect={false}
        onChange={(value) => {
          if (value === 'zh-HK' || value === 'en') {
            setError(null);
            setLocale(value).catch(setError);
          }
        }}
        data-testid="account-locale"
      />
      <FormError error={error} />
    </Stack>
  );
}

function MfaSection() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const [code, setCode] = useState('');
  const regenerate = useMutation({
    mutationFn: () => api.post<RecoveryCodesView>('/api/account/mfa/recovery-codes', { code: code.trim() }),
    onSuccess: () => {
      setCode('');
      void queryClient.invalidateQueries({ queryKey: meQuery.queryKey });
    },
  });
  if (!me) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    regenerate.mutate();
  };
  if (!me.user.mfaEnrolled) {
    return (
      <Stack gap="xs">
        <Text data-testid="mfa-state">{t('account.mfaOff')}</Text>
        <Group>
          <Button component={Link} to="/enrol-mfa">
            {t('account.mfaEnrol')}
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack gap="sm">
      <Text data-testid="mfa-state">{t('account.mfaOn')}</Text>
      <Text data-testid="recovery-codes-left">{t('account.recoveryLeft', { count: me.user.recoveryCodesLeft })}</Text>
      {regenerate.data ? (
        <RecoveryCodesList codes={regenerate.data.recoveryCodes} />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm" maw={360}>
            <Text size="sm">{t('account.regenerateExplain')}</Text>
            <TextInput
              label={t('enrol.codeLabel')}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              required
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              data-testid="regenerate-code"
            />
            <FormError error={regenerate.error} />
            <Button type="submit" loading={regenerate.isPending} data-testid="regenerate-submit">
              {t('account.regenerate')}
            </Button>
          </Stack>
        </form>
      )}
    </Stack>
  );
}

function MySessions() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: ['my-sessions'], queryFn: () => api.get<SessionListView>('/api/account/sessions') });
  const revoke = useMutation({
    mutationFn: (id: string) => api.del(`/api/account/sessions/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['my-sessions'] }),
    onError: (error) => notifications.show({ color: 'red', message: t(`errors.${error instanceof ApiError ? error.code : 'internal'}`) }),
  });
  if (sessions.isPending) return <PageLoader />;
  if (sessions.isError) return <FormError error={sessions.error} />;
  return (
    <Table.ScrollContainer minWidth={520} type="native" tabIndex={0}>
      <Table data-testid="my-sessions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sessions.started')}</Table.Th>
            <Table.Th>{t('sessions.lastSeen')}</Table.Th>
            <Table.Th>{t('sessions.address')}</Table.Th>
            <Table.Th>{t('sessions.device')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sessions.data.sessions.map((session) => (
            <Table.Tr key={session.id} data-testid="my-session">
              <Table.Td>{formatDateTime(session.createdAt, i18n.language)}</Table.Td>
              <Table.Td>{formatDateTime(session.lastSeenAt, i18n.language)}</Table.Td>
              <Table.Td>{session.ip ?? ''}</Table.Td>
              <Table.Td data-testid="session-browser">{browserLabel(session.userAgent) ?? t('labels.anotherProgram')}</Table.Td>
              <Table.Td>
                {session.current ? (
                  <Text size="sm" fw={700}>
                    {t('sessions.current')}
                  </Text>
                ) : (
                  <Button
                    size="compact-sm"
                    variant="default"
                    loading={revoke.isPending && revoke.variables === session.id}
                    onClick={() => revoke.mutate(session.id)}
                    data-testid="my-session-revoke"
                  >
                    {t('sessions.signOut')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function SsoLinkSection() {
  const { t } = useTranslation();
  const [search] = useSearchParams();
  const returned = ssoProblem(search.get('sso_error'));
  const link = useMutation({
    mutationFn: () => api.post<{ url: string }>('/api/account/sso/link'),
    onSuccess: ({ url }) => {
      window.location.assign(url);
    },
  });
  return (
    <Stack gap="xs" align="flex-start">
      <Text size="sm">{t('account.ssoExplain')}</Text>
      <FormError error={link.error ?? (link.isIdle ? returned : null)} />
      <Button variant="default" loading={link.isPending || link.isSuccess} onClick={() => link.mutate()} data-testid="account-sso-link">
        {t('account.ssoLink')}
      </Button>
    </Stack>
  );
}

export function AccountPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        {t('account.title')}
      </Title>
      {me && <Text>{t('account.signedInAs', { name: me.user.displayNameEn, username: me.user.username })}</Text>}
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('common.language')}
        </Title>
        <LanguageSection />
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('password.title')}
        </Title>
        <ChangePasswordForm
          onDone={() => {
            notifications.show({ color: 'green', message: t('password.changed') });
          }}
        />
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('account.mfaTitle')}
        </Title>
        <MfaSection />
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('account.ssoTitle')}
        </Title>
        <SsoLinkSection />
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('account.sessionsTitle')}
        </Title>
        <MySessions />
      </Card>
    </Stack>
  );
}
