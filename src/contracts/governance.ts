import { z } from 'zod';
import { PERMISSION_KEYS } from './permissions.js';

export const MemoArea = z.enum(['user', 'operation', 'security', 'learning', 'cloud']);
/** `error`: the check could not be evaluated (the others still show). */
export const CheckStatus = z.enum(['ok', 'attention', 'overdue', 'error']);
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
  /** Who must act: the permission, and the active people who hold it (at most five, by name). */
  owner: z.strictObject({ permission: z.enum(PERMISSION_KEYS), people: z.array(z.string()) }),
});
export const Dashboard = z.strictObject({ checks: z.array(CheckView), evaluatedAt: z.string() });
