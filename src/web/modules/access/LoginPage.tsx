import { useState, type FormEvent } from 'react';
import { Button, Container, Divider, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import type { z } from 'zod';
import type { SignInOptions } from '../../../contracts/auth.js';
import { ERROR_CODES, type ErrorCode } from '../../../contracts/errors.js';
import { api, ApiError, type LoginResultView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { PageLoader, refreshMe, stagePath, useMe } from '../../components/session.js';

/** The problem the single sign-on callback sent back in `?sso_error=` (only known codes are shown). */
export function ssoProblem(code: string | null): ApiError | null {
  if (!code) return null;
  const known = (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'sso_failed';
  return new ApiError(400, known);
}

const SCHOOL_CODE_KEY = 'schoolCode';

/** The school code last signed in with on this device ('' when none). */
function storedSchoolCode(): string {
  try {
    return localStorage.getItem(SCHOOL_CODE_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberSchoolCode(code: string): void {
  try {
    if (code) localStorage.setItem(SCHOOL_CODE_KEY, code);
  } catch {
    // Private browsing may refuse storage: the code is then typed each time.
  }
}

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const ssoError = ssoProblem(search.get('sso_error'));
  const queryClient = useQueryClient();
  const { data: me, isPending } = useMe();
  const options = useQuery({
    queryKey: ['sign-in-options'],
    queryFn: () => api.get<z.infer<typeof SignInOptions>>('/api/auth/sign-in-options'),
    staleTime: Infinity,
  });
  // Sign-in names belong to a school: the code typed here, else the one remembered on this device,
  // else the only organisation's where there is one.
  const [typedSchool, setTypedSchool] = useState<string | null>(null);
  const school = typedSchool ?? (storedSchoolCode() || options.data?.schoolCode || '');
  // The single sign-on button is offered only when this school signs in through its provider, and
  // it carries the school's code so the right provider is used on an installation with several.
  const code = school.trim();
  const codeComplete = code === '' || /^[0-9A-Za-z-]{3,20}$/.test(code);
  const sso = useQuery({
    queryKey: ['sso-options', code],
    queryFn: () => api.get<{ enabled: boolean }>(`/api/sso/options${code ? `?school=${encodeURIComponent(code)}` : ''}`),
    enabled: codeComplete,
    staleTime: 60_000,
  });
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => api.post<LoginResultView>('/api/auth/login', { username, password, school: school.trim() || undefined }),
    onSuccess: async (result) => {
      setPassword('');
      rememberSchoolCode(school.trim());
      await refreshMe(queryClient);
      void navigate(stagePath(result.stage), { replace: true });
    },
  });
  if (isPending) return <PageLoader />;
  // Someone signed in who comes back from linking their account at the provider sees why it failed on their account page.
  if (me && ssoError && me.stage === 'done') return <Navigate to={`/account?sso_error=${ssoError.code}`} replace />;
  if (me && !login.isPending && !login.isSuccess) return <Navigate to={stagePath(me.stage)} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <Container size={420} px={0}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Title order={1} size="h2">
            {t('auth.loginTitle')}
          </Title>
          <TextInput
            label={t('auth.schoolCode')}
            description={t('auth.schoolCodeHint')}
            autoComplete="organization"
            autoCapitalize="characters"
            value={school}
            onChange={(e) => setTypedSchool(e.currentTarget.value)}
            data-testid="login-school"
          />
          <TextInput
            label={t('auth.username')}
            autoComplete="username"
            autoCapitalize="none"
            required
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            data-testid="login-username"
          />
          <PasswordInput
            label={t('auth.password')}
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-testid="login-password"
          />
          <FormError error={login.error ?? (login.isIdle ? ssoError : null)} />
          <Button type="submit" loading={login.isPending} data-testid="login-submit">
            {t('auth.login')}
          </Button>
          {codeComplete && sso.data?.enabled && (
            <>
              <Divider label={t('auth.or')} labelPosition="center" />
              <Button
                component="a"
                href={`/api/sso/start${code ? `?school=${encodeURIComponent(code)}` : ''}`}
                onClick={() => rememberSchoolCode(code)}
                variant="default"
                data-testid="login-sso"
              >
                {t('auth.ssoLogin')}
              </Button>
            </>
          )}
          <Text size="sm">{t('auth.forgotHint')}</Text>
        </Stack>
      </form>
    </Container>
  );
}

export function MfaPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me, isPending } = useMe();
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: () => api.post<LoginResultView>('/api/auth/mfa', { code: code.trim() }),
    onSuccess: async (result) => {
      await refreshMe(queryClient);
      void navigate(stagePath(result.stage), { replace: true });
    },
  });
  if (isPending) return <PageLoader />;
  if (!me) return <Navigate to="/login" replace />;
  if (me.stage !== 'mfa' && !verify.isPending && !verify.isSuccess) return <Navigate to={stagePath(me.stage)} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate();
  };
  return (
    <Container size={420} px={0}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Title order={1} size="h2">
            {t('auth.mfaTitle')}
          </Title>
          <Text>{t('auth.mfaExplain')}</Text>
          <TextInput
            label={t('auth.mfaCode')}
            description={t('auth.mfaRecoveryHint')}
            autoComplete="one-time-code"
            autoCapitalize="none"
            required
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            data-testid="mfa-code"
          />
          <FormError error={verify.error} />
          <Button type="submit" loading={verify.isPending} data-testid="mfa-submit">
            {t('auth.verify')}
          </Button>
        </Stack>
      </form>
    </Container>
  );
}
