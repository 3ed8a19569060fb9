import { z } from 'zod';
import {
  Attachment,
  type AuthorityCode,
  type Category,
  type DueState,
  type IncomingState,
  type PackageFile,
  type Priority,
  type ProgressState,
  ReturnTemplate,
  type ReturnState,
  type TaskStatus,
  type TemplateKind,
} from '../../../contracts/exchange.js';

/** The exchange's words as the database holds them (its CHECK constraints, or the contracts that wrote the rows, keep them to these). */
export type AuthorityKey = z.infer<typeof AuthorityCode>;
export type CategoryKey = z.infer<typeof Category>;
export type PriorityKey = z.infer<typeof Priority>;
export type IncomingStateKey = z.infer<typeof IncomingState>;
export type ProgressStateKey = z.infer<typeof ProgressState>;
export type ReturnStateKey = z.infer<typeof ReturnState>;
export type TaskStatusKey = z.infer<typeof TaskStatus>;
export type DueStateKey = z.infer<typeof DueState>;
export type TemplateKindKey = z.infer<typeof TemplateKind>;
export type Template = z.infer<typeof ReturnTemplate>;
export type Pkg = z.infer<typeof PackageFile>;

/** What an imported message holds once decrypted; anything else is an import failure. */
export const MessageContent = z.strictObject({
  bodyZh: z.string(),
  bodyEn: z.string(),
  attachments: z.array(Attachment),
  template: ReturnTemplate.nullable(),
});
export type MessageContent = z.infer<typeof MessageContent>;
