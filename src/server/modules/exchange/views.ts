import type { z } from 'zod';
import type {
  AuthoritySchool,
  ExchangeEvent,
  InboxDetail,
  InboxItem,
  LogEntry,
  MessageProgress,
  MessageSummary,
  ProcedureView,
  ReturnSummary,
  ReturnView,
  SchoolProgress,
} from '../../../contracts/exchange.js';
import { AUTHORITIES, iso } from './common.js';
import { procedureComplete } from './policy.js';
import type { EventRow, LogEventRow } from './queries/events.js';
import type { InboxItemRow } from './queries/inbox.js';
import type { SchoolOrgRow } from './queries/orgs.js';
import type { ExchangePersonRow } from './queries/people.js';
import type { ProcedureRow } from './queries/procedures.js';
import type { MessageDetailRow, MessageSummaryRow, SchoolProgressRow } from './queries/progress.js';
import type { ReturnPeopleRow, ReturnRow, ReturnSummaryRow } from './queries/returns.js';
import type { CategoryKey, MessageContent } from './types.js';

/** One mapper per view: rows as the database returns them, views as the contracts describe them. */

const person = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);

/** Attachments are listed by name and size; their content is downloaded one by one. */
const attachmentList = (c: Pick<MessageContent, 'attachments'>) =>
  c.attachments.map((x) => ({ name: x.name, size: Buffer.from(x.contentBase64, 'base64').length }));

export function toAuthoritySchoolView(r: SchoolOrgRow, levels: ('primary' | 'secondary')[]): z.infer<typeof AuthoritySchool> {
  return { id: r.id, schoolNumber: r.school_number, nameZh: r.name_zh, nameEn: r.name_en, levels };
}

export function toMessageSummaryView(r: MessageSummaryRow): z.infer<typeof MessageSummary> {
  return {
    id: r.id,
    refNo: r.ref_no,
    category: r.category,
    subjectCode: r.subject_code,
    typeCode: r.type_code,
    priority: r.priority,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    referenceDate: r.reference_date,
    deadline: r.deadline.toISOString(),
    publishedAt: r.published_at.toISOString(),
    hasTemplate: r.has_template,
    counts: {
      recipients: r.recipients,
      opened: r.opened,
      preparing: r.preparing,
      submitted: r.submitted,
      received: r.received,
      late: r.late,
    },
  };
}

/** The message as its authority sees it on the progress page: summary, content and template. */
export function toMessageDetailView(m: MessageDetailRow): z.infer<typeof MessageProgress>['message'] {
  return {
    ...toMessageSummaryView(m),
    bodyZh: m.content.bodyZh,
    bodyEn: m.content.bodyEn,
    template: m.template ?? null,
    attachments: attachmentList(m.content),
  };
}

export function toSchoolProgressView(r: SchoolProgressRow): z.infer<typeof SchoolProgress> {
  return {
    deliveryId: r.id,
    schoolId: r.school_id,
    schoolNumber: r.school_number,
    nameZh: r.school_name_zh,
    nameEn: r.school_name_en,
    state: r.state,
    late: r.late,
    deliveredAt: r.delivered_at.toISOString(),
    openedAt: iso(r.opened_at),
    preparingAt: iso(r.preparing_at),
    submittedAt: iso(r.submitted_at),
    receivedAt: iso(r.received_at),
    receiptHash: r.receipt_hash,
    reminders: r.reminders,
    packageId: r.package_id,
    incomingState: r.incoming,
    failure: r.failure,
  };
}

export function toInboxItemView(r: InboxItemRow): z.infer<typeof InboxItem> {
  const auth = AUTHORITIES[r.code];
  return {
    id: r.id,
    refNo: r.ref_no,
    authority: { code: r.code, nameZh: auth.nameZh, nameEn: auth.nameEn },
    category: r.category,
    subjectCode: r.subject_code,
    typeCode: r.type_code,
    priority: r.priority,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    referenceDate: r.reference_date,
    deadline: r.deadline.toISOString(),
    deliveredAt: r.delivered_at.toISOString(),
    openedAt: iso(r.opened_at),
    state: r.state,
    hasTemplate: r.has_template,
    status: r.status,
    dueState: r.due_state,
    internalDue: r.internal_due.toISOString(),
    owner: person(r.owner_id, r.owner),
    backup: person(r.backup_id, r.backup),
    checker: person(r.checker_id, r.checker),
    returnState: r.return_state,
  };
}

export function toReturnSummaryView(x: ReturnSummaryRow): z.infer<typeof ReturnSummary> {
  return {
    id: x.id,
    amendment: x.amendment,
    state: x.state,
    updatedAt: x.updated_at.toISOString(),
    packageHash: x.package_hash,
    receiptHash: x.receipt_hash,
  };
}

export function toEventView(e: EventRow): z.infer<typeof ExchangeEvent> {
  return { at: e.at.toISOString(), event: e.event, actor: e.actor_name, details: e.details };
}

/** One message at the school: the item, its content once imported, its returns and its history. */
export function toInboxDetailView(r: InboxItemRow, returns: ReturnSummaryRow[], events: EventRow[]): z.infer<typeof InboxDetail> {
  const c = r.content;
  return {
    ...toInboxItemView(r),
    failure: r.failure,
    content: c ? { bodyZh: c.bodyZh, bodyEn: c.bodyEn, template: c.template, attachments: attachmentList(c) } : null,
    returns: returns.map(toReturnSummaryView),
    events: events.map(toEventView),
  };
}

/**
 * A category's procedure; a category without one shows nobody named and the default lead time.
 * Complete as memo O1 counts it: all three named, each active and holding the duty's right (`covered`).
 */
export function toProcedureView(
  category: CategoryKey,
  r: ProcedureRow | undefined,
  defaultLeadDays: number,
  covered: boolean,
): z.infer<typeof ProcedureView> {
  return {
    category,
    owner: person(r?.owner_id ?? null, r?.owner ?? null),
    backup: person(r?.backup_id ?? null, r?.backup ?? null),
    checker: person(r?.checker_id ?? null, r?.checker ?? null),
    leadDays: r?.lead_days ?? defaultLeadDays,
    notes: r?.notes ?? null,
    complete: covered && !!r && procedureComplete({ ownerId: r.owner_id, backupId: r.backup_id, checkerId: r.checker_id }),
  };
}

export function toExchangePersonView(p: ExchangePersonRow): { id: string; name: string; canPrepare: boolean; canApprove: boolean } {
  return { id: p.id, name: p.name, canPrepare: p.prepare, canApprove: p.approve };
}

export function toReturnView(r: ReturnRow, people: ReturnPeopleRow | undefined, history: EventRow[]): z.infer<typeof ReturnView> {
  return {
    id: r.id,
    deliveryId: r.delivery_id,
    amendment: r.amendment,
    state: r.state,
    kind: r.kind,
    files: r.data.files,
    summary: r.data.summary,
    referenceDate: r.data.referenceDate ?? null,
    exceptions: r.data.exceptions ?? [],
    problems: r.problems,
    corrections: r.corrections,
    preparedBy: people?.prepared ?? null,
    approvedBy: people?.approved ?? null,
    rejectReason: r.reject_reason,
    failure: r.failure,
    packageHash: r.package_hash,
    receiptHash: r.receipt_hash,
    version: r.version,
    checker: person(people?.checker_id ?? null, people?.checker ?? null),
    history: history.map(toEventView),
  };
}

export function toLogEntryView(r: LogEventRow): z.infer<typeof LogEntry> {
  return { at: r.at.toISOString(), event: r.event, actor: r.actor_name, refNo: r.ref_no, details: r.details };
}
