import { Alert, List, Text } from '@mantine/core';
import { queryOptions } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type {
  MigrationResult,
  PlanClass,
  RolloverException,
  RolloverPreview,
  RolloverState,
  UndoResult,
} from '../../../contracts/rollover.js';
import { api, ApiError } from '../../api.js';

export type RolloverPlan = NonNullable<z.infer<typeof RolloverState>['plan']>;
export type PlanClassView = z.infer<typeof PlanClass>;
export type Preview = z.infer<typeof RolloverPreview>;
export type Decision = Preview['decisions'][number];
export type Exception = z.infer<typeof RolloverException>;
export type Migration = z.infer<typeof MigrationResult>;
export type Undo = z.infer<typeof UndoResult>;

export const ROLLOVER = '/api/planning/rollover';
export const PLAN_KEY = ['rollover-plan'] as const;
export const PREVIEW_KEY = ['rollover-preview'] as const;

export const planQuery = queryOptions({
  queryKey: PLAN_KEY,
  queryFn: () => api.get<z.infer<typeof RolloverState>>(ROLLOVER),
});
export const previewQuery = queryOptions({
  queryKey: PREVIEW_KEY,
  queryFn: () => api.get<Preview>(`${ROLLOVER}/preview`),
});

/** One exception in words: the class, or the student by registration number and name. */
export function useExceptionText(): (e: Exception) => string {
  const { t } = useTranslation();
  return (e) =>
    t(`rollover.exceptions.${e.code}`, {
      subject: e.classCode && !e.regNo ? e.classCode : `${e.regNo ?? ''} ${e.name ?? ''}`.trim(),
      class: e.classCode ?? '',
      count: e.count ?? 0,
      capacity: e.capacity ?? 0,
    });
}

/** A refusal with its list of what to fix, every item in words (a class, a student, or a table for an undo). */
export function RolloverError({ error, testId = 'rollover-error' }: { error: unknown; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const problem = error instanceof ApiError ? error : null;
  const code = problem?.code ?? 'internal';
  return (
    <Alert color="red" variant="outline" role="alert" data-testid={testId} data-code={code}>
      <Text size="sm">{t(`errors.${code}`, { defaultValue: t('errors.internal') })}</Text>
      {problem && problem.errors.length > 0 && (
        <List size="sm" mt="xs" data-testid={`${testId}-items`}>
          {problem.errors.map((item, i) => (
            <List.Item key={`${item.path}-${i}`} data-code={item.code}>
              {t('errors.fieldProblem', {
                field: t(`rollover.tables.${item.path}`, { defaultValue: item.path }),
                problem: t(`rollover.problems.${item.code}`, { defaultValue: t('errors.internal') }),
              })}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
