import { z } from 'zod';
import { PERMISSION_KEYS } from './permissions.js';

export const MemoArea = z.enum(['user', 'operation', 'security', 'learning', 'cloud']);
/**
 * The principal's memo, item by item (MEMO.md): the dashboard shows every one of them, whether or not a
 * module has registered a check for it yet. Which items have checks is read from the registry, never from here.
 */
export const MEMO_ITEMS = [
  'U1',
  'U2',
  'U3',
  'O1',
  'O2',
  'O3',
  'S1',
  'S2',
  'L1',
  'L2',
  'L3',
  'L4',
  'L5',
  'C1',
  'C2',
  'C3',
  'C4',
  'C5',
  'C6',
  'C7',
] as const;
export const MemoItemId = z.enum(MEMO_ITEMS);
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
  /** The page where the item is put right, only when the reader may open it (else null: see `detail`). */
  link: z.string().nullable(),
  /** The right that page needs. */
  linkPermission: z.enum(PERMISSION_KEYS),
  /** The read-only view of this check (summary, evidence, owner, due), open to every dashboard reader. */
  detail: z.string(),
  /** The reader does not hold the owner's right and someone else does: offer "ask them" (not when ok). */
  canAsk: z.boolean(),
  due: z.string().nullable(),
  /** Who must act: the permission, and the active people who hold it (at most five, by name). */
  owner: z.strictObject({ permission: z.enum(PERMISSION_KEYS), people: z.array(z.string()) }),
});
/** A memo item's standing: the worst of its checks, or `unmonitored` while no check is registered for it. */
export const ItemStatus = z.enum(['ok', 'attention', 'overdue', 'error', 'unmonitored']);
export const MemoItemView = z.strictObject({
  memo: MemoItemId,
  area: MemoArea,
  status: ItemStatus,
  /** Keys of its checks, in the order of `checks`. */
  checks: z.array(z.string()),
});
/** The overall figure: of the memo's items, how many are monitored, and how the monitored ones stand. */
export const DashboardSummary = z.strictObject({
  total: z.number().int(),
  monitored: z.number().int(),
  ok: z.number().int(),
  attention: z.number().int(),
  overdue: z.number().int(),
  error: z.number().int(),
  unmonitored: z.number().int(),
});
export const Dashboard = z.strictObject({
  items: z.array(MemoItemView),
  summary: DashboardSummary,
  checks: z.array(CheckView),
  evaluatedAt: z.string(),
});
export const CheckKeyParam = z.strictObject({
  key: z
    .string()
    .regex(/^memo\.[UOSLC]\d\.[a-z0-9-]+$/)
    .max(80),
});
export const CheckDetail = z.strictObject({ check: CheckView, evaluatedAt: z.string() });
/** The answer to "ask them": how many people were told now; `already` when they were told today. */
export const AskResult = z.strictObject({ notified: z.number().int(), already: z.boolean() });
