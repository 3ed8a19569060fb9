import { useState, type InputHTMLAttributes } from 'react';
import { Alert, Button, Card, Code, FileInput, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type VerifyResultView } from '../../api.js';
import { FormError } from '../../components/FormError.js';

const MAX_PACKAGE_BYTES = 20 * 1024 * 1024;

/** A package file handed over outside the system: is it whole, and signed by the school it names? */
export function VerifyCard() {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [unreadable, setUnreadable] = useState(false);
  const verify = useMutation({
    mutationFn: (pkg: unknown) => api.post<VerifyResultView>('/api/authority/packages/verify', { package: pkg }),
  });
  const choose = (chosen: File | null) => {
    setFile(chosen);
    setUnreadable(false);
    verify.reset();
  };
  const run = async () => {
    if (!file) return;
    setUnreadable(false);
    verify.reset();
    let pkg: unknown;
    try {
      if (file.size > MAX_PACKAGE_BYTES) throw new Error('too large');
      pkg = JSON.parse(await file.text());
    } catch {
      setUnreadable(true);
      return;
    }
    verify.mutate(pkg);
  };
  const refused =
    verify.error instanceof ApiError && (verify.error.code === 'package_tampered' || verify.error.code === 'package_wrong_key');
  return (
    <Card withBorder data-testid="verify-card">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('authority.verify.title')}
        </Title>
        <Text size="sm">{t('authority.verify.explain')}</Text>
        <FileInput
          label={t('authority.verify.file')}
          placeholder={t('authority.verify.choose')}
          accept="application/json,.json"
          clearable
          styles={{ placeholder: { color: 'var(--mantine-color-gray-7)' } }}
          value={file}
          onChange={choose}
          clearButtonProps={{ 'aria-label': t('authority.verify.clear') }}
          data-testid="verify-file-button"
          fileInputProps={{ 'data-testid': 'verify-file' } as InputHTMLAttributes<HTMLInputElement>}
        />
        <Group>
          <Button disabled={!file} loading={verify.isPending} onClick={() => void run()} data-testid="verify-submit">
            {t('authority.verify.submit')}
          </Button>
        </Group>
        {verify.data && (
          <Alert color="green" variant="filled" data-testid="verify-result" data-valid="true">
            <Stack gap={4}>
              <Text size="sm" fw={700}>
                {t('authority.verify.valid', { school: verify.data.schoolNumber })}
              </Text>
              <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                {t('authority.verify.hash')} <Code>{verify.data.packageHash}</Code>
              </Text>
            </Stack>
          </Alert>
        )}
        {refused && (
          <Alert
            color="red.9"
            variant="filled"
            role="alert"
            data-testid="verify-result"
            data-valid="false"
            data-code={verify.error instanceof ApiError ? verify.error.code : ''}
          >
            <Text size="sm" fw={700}>
              {t('authority.verify.invalid')}
            </Text>
            <Text size="sm">{t(`errors.${verify.error instanceof ApiError ? verify.error.code : 'internal'}`)}</Text>
          </Alert>
        )}
        {unreadable && (
          <Alert color="red" variant="outline" role="alert" data-testid="verify-unreadable">
            <Text size="sm">{t('authority.verify.unreadable')}</Text>
          </Alert>
        )}
        {!refused && <FormError error={verify.error} testId="verify-error" />}
      </Stack>
    </Card>
  );
}
