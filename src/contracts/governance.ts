import { z } from 'zod';

export const MemoArea = z.enum(['user', 'operation', 'security', 'learning', 'cloud']);
export const CheckStatus = z.enum(['ok', 'attention', 'overdue']);
export const CheckView = z.strictObject({
  key: z.string(),
  memo: z.string(),
  area: MemoArea,
  status: CheckStatus,
  /** i18n key of the summary, with parameters. */
  summaryKey: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  evidence: z.array(z.string()),
  link: z.string().nullable(),
  due: z.string().nullable(),
});
export const Dashboard = z.strictObject({ checks: z.array(CheckView), evaluatedAt: z.string() });
