import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Code, Container, Image, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, type MfaEnrolStartView, type RecoveryCodesView } from '../../api.js';
import { ChangePasswordForm } from '../../components/ChangePasswordForm.js';
import { FormError } from '../../components/FormError.js';
import { RecoveryCodesList } from '../../components/RecoveryCodesList.js';
import { PageLoader, refreshMe, stagePath, useMe } from '../../components/session.js';

export function EnrolMfaPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const [code, setCode] = useState('');
  const alreadyEnrolled = Boolean(me?.user.mfaEnrolled) && me?.stage !== 'enrol';
  const start = useMutation({ mutationFn: () => api.post<MfaEnrolStartView>('/api/account/mfa/enrol/start') });
  const confirm = useMutation({
    mutationFn: () => api.post<RecoveryCodesView>('/api/account/mfa/enrol/confirm', { code: code.trim() }),
  });
  // Start once per visit: a second start would replace the secret shown on screen.
  const started = useRef(false);
  useEffect(() => {
    if (started.current || alreadyEnrolled || !me) return;
    started.current = true;
    start.mutate();
  }, [alreadyEnrolled, me, start]);

  const finish = async () => {
    const fresh = await refreshMe(queryClient);
    void navigate(fresh ? stagePath(fresh.stage) : '/login', { replace: true });
  };

  if (confirm.data) {
    return (
      <Container size="sm" px={0}>
        <Stack gap="md">
          <Title order={1} size="h2">
            {t('recovery.title')}
          </Title>
          <Alert color="red" variant="outline">
            <Text size="sm">{t('recovery.onceWarning')}</Text>
          </Alert>
          <RecoveryCodesList codes={confirm.data.recoveryCodes} />
          <Button onClick={() => void finish()} data-testid="recovery-continue">
            {t('common.continue')}
          </Button>
        </Stack>
      </Container>
    );
  }

  if (alreadyEnrolled && !start.data) {
    return (
      <Container size="sm" px={0}>
        <Stack>
          <Title order={1} size="h2">
            {t('enrol.title')}
          </Title>
          <Text>{t('enrol.already')}</Text>
          <Button component={Link} to="/account" variant="default">
            {t('nav.account')}
          </Button>
        </Stack>
      </Container>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate();
  };

  return (
    <Container size="sm" px={0}>
      <Stack gap="md">
        <Title order={1} size="h2">
          {t('enrol.title')}
        </Title>
        <Text>{t('enrol.required')}</Text>
        <Title order={2} size="h4">
          {t('enrol.step1')}
        </Title>
        <Text size="sm">{t('enrol.step1Detail')}</Text>
        {start.isPending && <PageLoader />}
        <FormError error={start.error} testId="enrol-start-error" />
        {start.data && (
          <>
            <Image src={start.data.qrDataUrl} alt={t('enrol.qrAlt')} w={220} h={220} fit="contain" data-testid="totp-qr" />
            <Text size="sm">{t('enrol.secretLabel')}</Text>
            <Code block fz="md" data-testid="totp-secret" style={{ wordBreak: 'break-all' }}>
              {start.data.secret}
            </Code>
            <form onSubmit={submit} noValidate>
              <Stack gap="sm" maw={360}>
                <Title order={2} size="h4">
                  {t('enrol.step2')}
                </Title>
                <TextInput
                  label={t('enrol.codeLabel')}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  required
                  value={code}
                  onChange={(e) => setCode(e.currentTarget.value)}
                  data-testid="enrol-code"
                />
                <FormError error={confirm.error} />
                <Button type="submit" loading={confirm.isPending} data-testid="enrol-submit">
                  {t('enrol.confirm')}
                </Button>
              </Stack>
            </form>
          </>
        )}
      </Stack>
    </Container>
  );
}

export function ChangePasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const done = async () => {
    const fresh = await refreshMe(queryClient);
    void navigate(fresh ? stagePath(fresh.stage) : '/login', { replace: true });
  };
  return (
    <Container size="sm" px={0}>
      <Stack gap="md">
        <Title order={1} size="h2">
          {t('password.title')}
        </Title>
        {me?.stage === 'password' && <Text>{t('password.mustChange')}</Text>}
        <ChangePasswordForm onDone={done} />
      </Stack>
    </Container>
  );
}
