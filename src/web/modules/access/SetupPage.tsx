import { useState, type ChangeEvent, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Code,
  Container,
  Fieldset,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, type SetupKeyView, type SetupResultView, type SetupStatusView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { PasswordRules } from '../../components/ChangePasswordForm.js';
import { formatDateTime } from '../../components/format.js';
import { PageLoader, refreshMe, useMe } from '../../components/session.js';
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

/**
 * The school key, shown before the school is created: the person writes it down and confirms,
 * and only then is the school created with it. A reload here comes back to the form with a fresh
 * key (this one was never used); once the school exists no key is shown again.
 */
function SchoolKeyWords({
  setupKey,
  authority,
  pending,
  error,
  onConfirm,
  onBack,
}: {
  setupKey: SetupKeyView;
  authority: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const [acknowledged, setAcknowledged] = useState(false);
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
        {setupKey.schoolKeyWords.map((word, index) => (
          <li key={`${index}-${word}`}>
            <Code fz="md" data-testid="school-key-word">
              {word}
            </Code>
          </li>
        ))}
      </SimpleGrid>
      <Text size="sm">
        {t('setup.keyFingerprint')} <Code data-testid="school-key-fingerprint">{setupKey.schoolKeyFingerprint}</Code>
      </Text>
      <Text size="sm" data-testid="setup-key-before-create">
        {t('setup.keyBeforeCreate')}
      </Text>
      <Checkbox
        label={t('setup.keyAck')}
        checked={acknowledged}
        onChange={(e) => setAcknowledged(e.currentTarget.checked)}
        required
        data-testid="school-key-ack"
      />
      <FormError error={error} />
      <Group>
        <Button variant="default" onClick={onBack} disabled={pending} data-testid="setup-back">
          {t('setup.backToForm')}
        </Button>
        <Button disabled={!acknowledged} loading={pending} onClick={onConfirm} data-testid="school-key-continue">
          {t(authority ? 'setup.authoritySubmit' : 'setup.submit')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Why a setup link no longer works, and what to do next: sign in, carry on enrolling, or ask for a new link. */
function SetupLinkEnded({ state, authority }: { state: SetupStatusView['state']; authority: SetupStatusView['authority'] }) {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const command = authority ? `npm run cli -- authority create ${authority.code}` : 'npm run cli -- school create';
  return (
    <Container size="sm" px={0}>
      <Stack>
        <Title order={1} size="h2">
          {t('setup.title')}
        </Title>
        <Alert color={state === 'used' ? 'blue' : 'red'} variant="outline" role="alert" data-testid="setup-invalid" data-state={state}>
          <Text size="sm">{t(state === 'used' ? 'setup.linkUsed' : state === 'expired' ? 'setup.linkExpired' : 'setup.invalidToken')}</Text>
        </Alert>
        {state === 'used' ? (
          me && me.stage !== 'done' ? (
            <Button component={Link} to="/enrol-mfa" data-testid="setup-continue-enrol">
              {t('setup.continueEnrol')}
            </Button>
          ) : (
            <Button component={Link} to={me ? '/' : '/login'} data-testid="setup-sign-in">
              {t(me ? 'setup.toDashboard' : 'setup.signIn')}
            </Button>
          )
        ) : (
          <Stack gap="xs" data-testid="setup-new-link">
            <Text size="sm">{t('setup.newLinkHow')}</Text>
            <Code block>{command}</Code>
            <Text size="sm">{t('setup.newLinkOrSignIn')}</Text>
            <Button component={Link} to="/login" variant="default" data-testid="setup-sign-in">
              {t('setup.signIn')}
            </Button>
          </Stack>
        )}
      </Stack>
    </Container>
  );
}

/** The form's non-secret fields survive a reload of the page (never the password). */
const draftKey = (token: string) => `setup-draft:${token.slice(0, 12)}`;
function loadDraft(token: string): SetupForm {
  try {
    const saved: unknown = JSON.parse(sessionStorage.getItem(draftKey(token)) ?? 'null');
    if (saved && typeof saved === 'object') {
      const out: SetupForm = { ...EMPTY };
      for (const name of DRAFT_FIELDS) {
        const value: unknown = (saved as Record<string, unknown>)[name];
        if (typeof value === 'string') out[name] = value;
      }
      return out;
    }
  } catch {
    // No storage or a broken entry: start empty.
  }
  return EMPTY;
}
function saveDraft(token: string, form: SetupForm | null): void {
  try {
    if (!form) sessionStorage.removeItem(draftKey(token));
    else sessionStorage.setItem(draftKey(token), JSON.stringify(Object.fromEntries(DRAFT_FIELDS.map((name) => [name, form[name]]))));
  } catch {
    // Private mode without storage: the form is simply not kept.
  }
}
const DRAFT_FIELDS = ['schoolNameZh', 'schoolNameEn', 'schoolNumber', 'adminNameEn', 'adminNameZh', 'adminEmail', 'adminUsername'] as const;

export function SetupPage() {
  const { t, i18n } = useTranslation();
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<SetupForm>(() => loadDraft(token));
  const [mismatch, setMismatch] = useState(false);
  // The key shown for confirmation; held only in this page's memory (a reload asks for a new one).
  const [setupKey, setSetupKey] = useState<SetupKeyView | null>(null);
  const status = useQuery({
    queryKey: ['setup', token],
    queryFn: () => api.get<SetupStatusView>(`/api/setup/${encodeURIComponent(token)}`),
    retry: false,
    staleTime: Infinity,
  });
  const authority = status.data?.authority ?? null;
  const issueKey = useMutation({
    mutationFn: () => api.post<SetupKeyView>('/api/setup/key', { token }),
    onSuccess: (key) => setSetupKey(key),
  });
  const setup = useMutation({
    mutationFn: (key: SetupKeyView) =>
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
        schoolKey: { words: key.schoolKeyWords, ticket: key.ticket },
      }),
    onSuccess: async () => {
      saveDraft(token, null);
      setForm(EMPTY);
      setSetupKey(null);
      await refreshMe(queryClient);
      void navigate('/enrol-mfa', { replace: true });
    },
  });

  const field = (name: keyof SetupForm) => ({
    value: form[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      const value = e.currentTarget.value;
      setForm((previous) => {
        const next = { ...previous, [name]: value };
        saveDraft(token, next);
        return next;
      });
    },
  });

  if (setupKey) {
    return (
      <Container size="sm" px={0}>
        <SchoolKeyWords
          setupKey={setupKey}
          authority={authority !== null}
          pending={setup.isPending}
          error={setup.error}
          onConfirm={() => setup.mutate(setupKey)}
          onBack={() => {
            setup.reset();
            setSetupKey(null);
          }}
        />
      </Container>
    );
  }
  if (status.isPending) return <PageLoader />;
  if (status.isError || !status.data.valid) {
    return <SetupLinkEnded state={status.data?.state ?? 'unknown'} authority={status.data?.authority ?? null} />;
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (form.adminPassword !== form.adminPasswordConfirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    issueKey.mutate();
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
          <FormError error={issueKey.error} />
          <Button type="submit" loading={issueKey.isPending} data-testid="setup-submit">
            {t('setup.toKey')}
          </Button>
        </Stack>
      </form>
    </Container>
  );
}
