import { useState, type FormEvent } from 'react';
import { Button, Code, CopyButton, Group, Paper, PasswordInput, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type SsoConfig } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { PageLoader } from '../../components/session.js';

const SSO_KEY = ['admin-sso'] as const;
/** Offered when the administrator first turns on the provider's second factor (RFC 8176 methods). */
const SUGGESTED_AMR = 'mfa otp hwk swk fpt';
/** Values typed separated by spaces or commas, each kept once. */
const claimValues = (text: string): string[] => [...new Set(text.split(/[\s,]+/).filter(Boolean))];

function SsoForm({ config }: { config: SsoConfig }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [enabled, setEnabled] = useState(config.enabled);
  const [issuer, setIssuer] = useState(config.issuer ?? '');
  const [clientId, setClientId] = useState(config.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [emailLink, setEmailLink] = useState(config.emailLink);
  const [providerMfa, setProviderMfa] = useState(config.providerMfa.enabled);
  const [amr, setAmr] = useState(config.providerMfa.amr.join(' '));
  const [acr, setAcr] = useState(config.providerMfa.acr.join(' '));
  const mfaIncomplete = providerMfa && claimValues(amr).length + claimValues(acr).length === 0;
  const save = useMutation({
    mutationFn: () =>
      api.put('/api/admin/sso', {
        enabled,
        issuer: issuer.trim(),
        clientId: clientId.trim(),
        ...(clientSecret ? { clientSecret } : {}),
        emailLink,
        providerMfa: { enabled: providerMfa, amr: claimValues(amr), acr: claimValues(acr) },
      }),
    onSuccess: async () => {
      setClientSecret('');
      await queryClient.invalidateQueries({ queryKey: SSO_KEY });
      showSuccess(t('sso.saved'));
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={560}>
        <Switch
          label={t('sso.enabled')}
          checked={enabled}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
          data-testid="sso-enabled"
        />
        <TextInput
          label={t('sso.issuer')}
          description={t('sso.issuerHint')}
          type="url"
          required
          autoCapitalize="none"
          spellCheck={false}
          value={issuer}
          onChange={(e) => setIssuer(e.currentTarget.value)}
          data-testid="sso-issuer"
        />
        <TextInput
          label={t('sso.clientId')}
          required
          autoCapitalize="none"
          spellCheck={false}
          value={clientId}
          onChange={(e) => setClientId(e.currentTarget.value)}
          data-testid="sso-client-id"
        />
        <PasswordInput
          label={t('sso.clientSecret')}
          description={config.hasSecret ? t('sso.secretHint') : undefined}
          placeholder={config.hasSecret ? t('sso.secretUnchanged') : undefined}
          required={!config.hasSecret}
          autoComplete="off"
          value={clientSecret}
          onChange={(e) => setClientSecret(e.currentTarget.value)}
          data-testid="sso-client-secret"
        />
        <Switch
          label={t('sso.emailLink')}
          description={t('sso.emailLinkHint')}
          checked={emailLink}
          onChange={(e) => setEmailLink(e.currentTarget.checked)}
          data-testid="sso-email-link"
        />
        <Switch
          label={t('sso.providerMfa')}
          description={t('sso.providerMfaHint')}
          checked={providerMfa}
          onChange={(e) => {
            const on = e.currentTarget.checked;
            setProviderMfa(on);
            if (on && !amr.trim() && !acr.trim()) setAmr(SUGGESTED_AMR);
          }}
          data-testid="sso-provider-mfa"
        />
        {providerMfa && (
          <>
            <TextInput
              label={t('sso.providerMfaAmr')}
              description={t('sso.providerMfaAmrHint')}
              autoCapitalize="none"
              spellCheck={false}
              value={amr}
              onChange={(e) => setAmr(e.currentTarget.value)}
              data-testid="sso-provider-mfa-amr"
            />
            <TextInput
              label={t('sso.providerMfaAcr')}
              description={t('sso.providerMfaAcrHint')}
              autoCapitalize="none"
              spellCheck={false}
              value={acr}
              onChange={(e) => setAcr(e.currentTarget.value)}
              data-testid="sso-provider-mfa-acr"
            />
          </>
        )}
        <FormError error={save.error} />
        <Group>
          <Button
            type="submit"
            loading={save.isPending}
            disabled={!issuer.trim() || !clientId.trim() || mfaIncomplete}
            data-testid="sso-save"
          >
            {t('sso.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Single sign-on through the school's OpenID provider (memo U2). */
export function SsoPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const sso = useQuery({ queryKey: SSO_KEY, queryFn: () => api.get<SsoConfig>('/api/admin/sso') });
  const reviewed = useMutation({
    mutationFn: () => api.post('/api/admin/sso/reviewed'),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: SSO_KEY });
      showSuccess(t('sso.reviewedDone'));
    },
  });
  if (sso.isPending) return <PageLoader />;
  if (!sso.data) return <FormError error={sso.error} />;
  const config = sso.data;
  return (
    <Stack gap="lg" data-testid="sso-page" data-enabled={config.enabled} data-has-secret={config.hasSecret}>
      <Stack gap="sm">
        <Title order={1} size="h2">
          {t('sso.title')}
        </Title>
        <Text size="sm">{t('sso.explain')}</Text>
      </Stack>
      <Paper withBorder p="sm">
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('sso.redirectUri')}
          </Text>
          <Text size="xs">{t('sso.redirectUriHint')}</Text>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code style={{ wordBreak: 'break-all' }} data-testid="sso-redirect-uri">
              {config.redirectUri}
            </Code>
            <CopyButton value={config.redirectUri}>
              {({ copied, copy }) => (
                <Button size="compact-sm" variant="default" onClick={copy} data-testid="sso-redirect-copy">
                  {copied ? t('sso.copied') : t('sso.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Stack>
      </Paper>
      <SsoForm
        key={JSON.stringify([config.issuer, config.clientId, config.enabled, config.emailLink, config.hasSecret, config.providerMfa])}
        config={config}
      />
      <Paper withBorder p="sm">
        <Group justify="space-between" align="center">
          <Stack gap={2}>
            <Text size="sm" fw={600}>
              {t('sso.reviewTitle')}
            </Text>
            <Text size="sm" data-testid="sso-reviewed-at" data-reviewed-at={config.reviewedAt ?? ''}>
              {config.reviewedAt ? t('sso.reviewedAt', { date: formatDateTime(config.reviewedAt, i18n.language) }) : t('sso.neverReviewed')}
            </Text>
          </Stack>
          <Button variant="default" loading={reviewed.isPending} onClick={() => reviewed.mutate()} data-testid="sso-reviewed">
            {t('sso.markReviewed')}
          </Button>
        </Group>
        <FormError error={reviewed.error} />
      </Paper>
    </Stack>
  );
}
