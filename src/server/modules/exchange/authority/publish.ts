import type { z } from 'zod';
import type { AuthoritySchool, PublishBody } from '../../../../contracts/exchange.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { levelsOfSchools } from '../../school/service.js';
import { AUTHORITIES, type ExchangeDeps, assertAuthority, event } from '../common.js';
import { insertDeliveries } from '../queries/deliveries.js';
import { countMessages, insertMessage } from '../queries/messages.js';
import { listRecipientSchools, listSchoolOrgs, lockOrg } from '../queries/orgs.js';
import { parseRules } from '../rules.js';
import type { MessageContent } from '../types.js';
import { toAuthoritySchoolView } from '../views.js';
import { sealFor } from './seal.js';

const MAX_ATTACHMENT = 512 * 1024;

/** The schools an authority can address, with the levels they teach this year. */
export async function listSchoolsForAuthority(d: ExchangeDeps, a: Actor): Promise<z.infer<typeof AuthoritySchool>[]> {
  await d.db.school(a.schoolId, (q) => assertAuthority(q, a));
  return d.db.system(async (q) => {
    const levels = await levelsOfSchools(q);
    const rows = await listSchoolOrgs(q);
    return rows.map((r) => toAuthoritySchoolView(r, levels.get(r.id) ?? []));
  });
}

/** A message the authority cannot send: a deadline already past, a template whose rules do not parse, an attachment too large. */
function assertPublishable(b: z.infer<typeof PublishBody>, now: Date): Date {
  const deadline = new Date(b.deadline);
  if (deadline <= now) throw new AppError('deadline_past', { errors: [{ path: 'deadline', code: 'deadline_past' }] });
  if (b.template) {
    const { errors } = parseRules(b.template);
    if (b.template.kind === 'manual' && !b.template.columns?.length) errors.push({ rule: -1, reason: 'unknown_column' });
    if (errors.length)
      throw new AppError('template_invalid', {
        errors: errors.map((e) => ({ path: e.rule < 0 ? 'template.columns' : `template.rules.${e.rule}`, code: e.reason })),
      });
  }
  for (const [i, f] of b.attachments.entries()) {
    if (Buffer.from(f.contentBase64, 'base64').length > MAX_ATTACHMENT)
      throw new AppError('attachment_too_large', { errors: [{ path: `attachments.${i}`, code: 'too_large' }] });
  }
  return deadline;
}

/**
 * Publish a message: the content is sealed once under a new data key, and the data key is wrapped
 * for each recipient school's public key. The deliveries (and, by trigger, each school's task) are
 * written in one statement, in the same transaction as the message and its audit record.
 */
export async function publish(
  d: ExchangeDeps,
  a: Actor,
  b: z.infer<typeof PublishBody>,
): Promise<{ id: string; refNo: string; recipients: number }> {
  const now = d.clock.now();
  const deadline = assertPublishable(b, now);
  const recipients = await d.db.system(async (q) => {
    const levels = await levelsOfSchools(q);
    const rows = await listRecipientSchools(q);
    const ids = new Set(b.audience.schoolIds);
    const known = new Set(rows.map((r) => r.id));
    if ([...ids].some((id) => !known.has(id))) throw new AppError('not_found');
    return rows.filter((r) => ids.has(r.id) || (levels.get(r.id) ?? []).some((l) => b.audience.levels.includes(l)));
  });
  if (!recipients.length) throw new AppError('audience_empty');

  return d.db.schoolTx(a.schoolId, async (q) => {
    const org = await assertAuthority(q, a);
    await lockOrg(q, a.schoolId);
    const n = await countMessages(q);
    const refNo = `${AUTHORITIES[org.code].prefix}-${now.getUTCFullYear()}-${String(n + 1).padStart(4, '0')}`;
    const content: MessageContent = { bodyZh: b.bodyZh, bodyEn: b.bodyEn, attachments: b.attachments, template: b.template ?? null };
    const header = {
      refNo,
      category: b.category,
      subjectCode: b.subjectCode,
      typeCode: b.typeCode,
      priority: b.priority,
      titleZh: b.titleZh,
      titleEn: b.titleEn,
      referenceDate: b.referenceDate ?? null,
      deadline,
    };
    const m = await insertMessage(q, {
      authorityId: a.schoolId,
      ...header,
      audience: b.audience,
      content,
      template: b.template ?? null,
      publishedBy: a.userId,
      publishedAt: now,
    });
    if (!m) throw new Error('message not created');
    const { contentId, sealed } = await sealFor(d, q, a.schoolId, m.id, content, recipients);
    await insertDeliveries(q, {
      authorityId: a.schoolId,
      authorityCode: org.code,
      messageId: m.id,
      ...header,
      hasTemplate: !!b.template,
      contentId,
      deliveredAt: now,
      schools: sealed.map(({ recipient: r, envelope }) => ({
        id: r.id,
        schoolNumber: r.school_number,
        nameZh: r.name_zh,
        nameEn: r.name_en,
        envelope,
      })),
    });
    await event(q, d.clock, {
      orgId: a.schoolId,
      messageId: m.id,
      event: 'published',
      actor: a.username,
      details: { refNo, recipients: recipients.length },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.published',
      target: `message:${m.id}`,
      details: { refNo, category: b.category, deadline: b.deadline, recipients: recipients.length },
    });
    return { id: m.id, refNo, recipients: recipients.length };
  });
}
