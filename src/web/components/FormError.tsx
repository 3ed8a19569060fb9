import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ErrorCode } from '../../contracts/errors.js';
import { ApiError } from '../api.js';

/**
 * Translates a server problem (by its stable code) for display; never shows a server sentence.
 * `messages` lets a screen word a code for its own record, e.g. version_conflict → students.versionConflict.
 */
export function FormError({
  error,
  testId = 'form-error',
  messages,
  fieldLabel,
}: {
  error: unknown;
  testId?: string;
  messages?: Partial<Record<ErrorCode, string>>;
  /** Words for a field the shared `fields.` list cannot name (e.g. one of a list: "Guardian 2: Mobile phone"). */
  fieldLabel?: (path: string) => string | undefined;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  const problem = error instanceof ApiError ? error : null;
  const code = problem?.code ?? 'internal';
  const message = t(messages?.[code] ?? `errors.${code}`, { defaultValue: t('errors.internal') });
  const minutes = problem?.retryAfter ? Math.max(1, Math.ceil(problem.retryAfter / 60)) : null;
  return (
    <Alert color="red" variant="outline" role="alert" data-testid={testId} data-code={code}>
      <Text size="sm">{message}</Text>
      {problem?.rule && (
        <Text size="sm" data-testid={`${testId}-rule`} data-rule={problem.rule}>
          {t(`networkRules.${problem.rule}`, { defaultValue: '' })}
        </Text>
      )}
      {minutes !== null && <Text size="sm">{t('errors.retryAfter', { count: minutes })}</Text>}
      {problem && problem.errors.length > 0 && (
        <List size="sm" mt="xs">
          {problem.errors.map((entry, index) => (
            <List.Item key={`${entry.path}-${index}`}>
              {t('errors.fieldProblem', {
                field:
                  fieldLabel?.(entry.path) ??
                  t(`fields.${entry.path.replace(/^\//, '').replace(/[./]/g, '_')}`, {
                    defaultValue: entry.path || t('fields.body'),
                  }),
                problem: t(`zod.${entry.code}`, { defaultValue: entry.code }),
              })}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
