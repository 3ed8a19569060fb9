import { useState, type ChangeEvent, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Code,
  Container,
  Fieldset,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, type SetupResultView, type SetupStatusView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { PasswordRules } from '../../components/ChangePasswordForm.js';
import { formatDateTime } from '../../components/format.js';
import { PageLoader, refreshMe } from '../../components/session.js';
import { currentLocale } from '../../i18n/index.js';

interface SetupForm {
  schoolNameZh: string;
  schoolNameEn: string;
  schoolNumber: string;
  adminNameEn: string;
  adminNameZh: string;
  adminEmail: string;
  adminUsername: string;
  adminPassword: string;
  adminPasswordConfirm: string;
}

const EMPTY: SetupForm = {
  schoolNameZh: '',
  schoolNameEn: '',
  schoolNumber: '',
  adminNameEn: '',
  adminNameZh: '',
  adminEmail: '',
  adminUsername: '',
  adminPassword: '',
  adminPasswordConfirm: '',
};

function SchoolKeyWords({ result, authority }: { result: SetupResultView; authority: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [acknowledged, setAcknowledged] = useState(false);
  const next = async () => {
    await refreshMe(queryClient);
    void navigate('/enrol-mfa', { replace: true });
  };
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t(authority ? 'setup.authorityKeyTitle' : 'setup.keyTitle')}
      </Title>
      <Alert color="red" variant="outline" role="alert">
        <Text size="sm">{t(authority ? 'setup.authorityKeyWarning' : 'setup.keyWarning')}</Text>
      </Alert>
      {!authority && (
        <Text size="sm" data-testid="school-key-loss">
          {t('schoolKey.lossExplain')}
        </Text>
      )}
      <SimpleGrid
        cols={{ base: 2, xs: 3, sm: 4 }}
        spacing="xs"
        component="ol"
        data-testid="school-key-words"
        style={{ paddingInlineStart: '1.75rem' }}
      >
        {result.schoolKeyWords.map((word, index) => (
          <li key={`${index}-${word}`}>
            <Code fz="md" data-testid="school-key-word">
              {word}
            </Code>
          </li>
        ))}
      </SimpleGrid>
      <Text size="sm">
        {t('setup.keyFingerprint')} <Code data-testid="school-key-fingerprint">{result.schoolKeyFingerprint}</Code>
      </Text>
      <Checkbox
        label={t('setup.keyAck')}
        checked={acknowledged}
        onChange={(e) => setAcknowledged(e.currentTarget.checked)}
        required
        data-testid="school-key-ack"
      />
      <Button disabled={!acknowledged} onClick={() => void next()} data-testid="school-key-continue">
        {t('common.continue')}
      </Button>
    </Stack>
  );
}

export function SetupPage() {
  const { t, i18n } = useTranslation();
  const { token = '' } = useParams();
  const [form, setForm] = useState<SetupForm>(EMPTY);
  const [mismatch, setMismatch] = useState(false);
  const status = useQuery({
    queryKey: ['setup', token],
    queryFn: () => api.get<SetupStatusView>(`/api/setup/${encodeURIComponent(token)}`),
    retry: false,
    staleTime: Infinity,
  });
  const authority = status.data?.authority ?? null;
  const setup = useMutation({
    mutationFn: () =>
      api.post<SetupResultView>('/api/setup', {
        token,
        // An authority's setup link carries its name; only a school's gives school details.
        ...(authority ? {} : { school: { nameZh: form.schoolNameZh, nameEn: form.schoolNameEn, schoolNumber: form.schoolNumber } }),
        admin: {
          username: form.adminUsername,
          ...(form.adminNameZh.trim() ? { displayNameZh: form.adminNameZh } : {}),
          displayNameEn: form.adminNameEn,
          email: form.adminEmail,
          password: form.adminPassword,
        },
        locale: currentLocale(),
      }),
    onSuccess: () => setForm(EMPTY),
  });

  const field = (name: keyof SetupForm) => ({
    value: form[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      const value = e.currentTarget.value;
      setForm((previous) => ({ ...previous, [name]: value }));
    },
  });

  if (setup.data) {
    return (
      <Container size="sm" px={0}>
        <SchoolKeyWords result={setup.data} authority={authority !== null} />
      </Container>
    );
  }
  if (status.isPending) return <PageLoader />;
  if (status.isError || !status.data.valid) {
    return (
      <Container size="sm" px={0}>
        <Stack>
          <Title order={1} size="h2">
            {t('setup.title')}
          </Title>
          <Alert color="red" variant="outline" role="alert" data-testid="setup-invalid">
            <Text size="sm">{t('setup.invalidToken')}</Text>
          </Alert>
        </Stack>
      </Container>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (form.adminPassword !== form.adminPasswordConfirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setup.mutate();
  };

  return (
    <Container size="sm" px={0}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Title order={1} size="h2">
            {authority
              ? t('setup.authorityTitle', { name: i18n.language === 'en' ? authority.nameEn : authority.nameZh })
              : t('setup.title')}
          </Title>
          <Text data-testid={authority ? 'setup-authority' : undefined} data-authority={authority?.code}>
            {authority
              ? t('setup.authorityIntro', { name: i18n.language === 'en' ? authority.nameEn : authority.nameZh })
              : t('setup.intro')}
          </Text>
          {status.data.expiresAt && (
            <Text size="sm">{t('setup.expires', { time: formatDateTime(status.data.expiresAt, i18n.language) })}</Text>
          )}
          {!authority && (
            <Fieldset legend={t('setup.schoolSection')}>
              <Stack gap="sm">
                <TextInput label={t('setup.schoolNameZh')} required {...field('schoolNameZh')} data-testid="setup-school-name-zh" />
                <TextInput label={t('setup.schoolNameEn')} required {...field('schoolNameEn')} data-testid="setup-school-name-en" />
                <TextInput
                  label={t('setup.schoolNumber')}
                  description={t('setup.schoolNumberHint')}
                  required
                  {...field('schoolNumber')}
                  data-testid="setup-school-number"
                />
              </Stack>
            </Fieldset>
          )}
          <Fieldset legend={t('setup.adminSection')}>
            <Stack gap="sm">
              <TextInput
                label={t('users.nameEn')}
                required
                autoComplete="name"
                {...field('adminNameEn')}
                data-testid="setup-admin-name-en"
              />
              <TextInput label={t('users.nameZhOptional')} {...field('adminNameZh')} data-testid="setup-admin-name-zh" />
              <TextInput
                label={t('users.email')}
                type="email"
                required
                autoComplete="email"
                {...field('adminEmail')}
                data-testid="setup-admin-email"
              />
              <TextInput
                label={t('auth.username')}
                description={t('users.usernameHint')}
                required
                autoCapitalize="none"
                autoComplete="username"
                {...field('adminUsername')}
                data-testid="setup-admin-username"
              />
              <PasswordRules />
              <PasswordInput
                label={t('auth.password')}
                required
                autoComplete="new-password"
                {...field('adminPassword')}
                data-testid="setup-admin-password"
              />
              <PasswordInput
                label={t('password.confirm')}
                required
                autoComplete="new-password"
                error={mismatch ? t('password.mismatch') : undefined}
                {...field('adminPasswordConfirm')}
                data-testid="setup-admin-password-confirm"
              />
            </Stack>
          </Fieldset>
          <FormError error={setup.error} />
          <Button type="submit" loading={setup.isPending} data-testid="setup-submit">
            {t(authority ? 'setup.authoritySubmit' : 'setup.submit')}
          </Button>
        </Stack>
      </form>
    </Container>
  );
}
