import type { z } from 'zod';
import type { TemplateBody, TemplateList, TemplateUpdateBody } from '../../../../contracts/planning-calendar.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { type PlanningDeps, assertOwner } from './common.js';
import { DEFAULT_TEMPLATES } from './defaults.js';
import {
  type TemplateRow,
  countTemplates,
  findTemplate,
  insertDefaultTemplates,
  insertTemplate,
  listTemplates,
  updateTemplate,
} from './queries/templates.js';

/** A school starts with the shipped Hong Kong cycle (each shipped template once ever: edits and retirements stay). */
export const ensureDefaultTemplates = (q: Queryable, schoolId: string, now: Date): Promise<void> =>
  insertDefaultTemplates(q, schoolId, DEFAULT_TEMPLATES, now);

/** Seed the shipped templates the first time a school's calendar is looked at. */
export async function ensureTemplates(d: PlanningDeps, schoolId: string): Promise<void> {
  if ((await d.db.school(schoolId, countTemplates)) === 0)
    await d.db.schoolTx(schoolId, (q) => ensureDefaultTemplates(q, schoolId, d.clock.now()));
}

const toView = (t: TemplateRow) => ({
  id: t.id,
  key: t.default_key,
  titleZh: t.title_zh,
  titleEn: t.title_en,
  month: t.month,
  day: t.due_day,
  ownerId: t.owner_id,
  owner: t.owner,
  active: t.active,
  version: t.version,
});

export async function getTemplates(d: PlanningDeps, schoolId: string): Promise<z.infer<typeof TemplateList>> {
  await ensureTemplates(d, schoolId);
  return { templates: (await d.db.school(schoolId, listTemplates)).map(toView) };
}

/** A task the school adds to its year. */
export async function createTemplate(d: PlanningDeps, actor: Actor, body: z.infer<typeof TemplateBody>): Promise<{ id: string }> {
  return d.db.schoolTx(actor.schoolId, async (q) => {
    await assertOwner(q, body.ownerId);
    const id = await insertTemplate(q, actor.schoolId, { ...body, ownerId: body.ownerId ?? null }, d.clock.now());
    await audit(q, d.clock, {
      ...who(actor),
      action: 'planning.template_changed',
      target: `planning-template:${id}`,
      details: { after: body },
    });
    return { id };
  });
}

/** Change a template's words, month, day or owner, or retire it (`active: false`): years already made keep their tasks. */
export async function editTemplate(d: PlanningDeps, actor: Actor, id: string, body: z.infer<typeof TemplateUpdateBody>): Promise<void> {
  await d.db.schoolTx(actor.schoolId, async (q) => {
    const before = await findTemplate(q, id);
    if (!before) throw new AppError('not_found');
    await assertOwner(q, body.ownerId);
    if (!(await updateTemplate(q, id, { ...body, ownerId: body.ownerId ?? null }))) throw new AppError('version_conflict');
    await audit(q, d.clock, {
      ...who(actor),
      action: 'planning.template_changed',
      target: `planning-template:${id}`,
      details: {
        before: {
          titleZh: before.title_zh,
          titleEn: before.title_en,
          month: before.month,
          day: before.due_day,
          ownerId: before.owner_id,
          active: before.active,
        },
        after: {
          titleZh: body.titleZh,
          titleEn: body.titleEn,
          month: body.month,
          day: body.day,
          ownerId: body.ownerId ?? null,
          active: body.active,
        },
      },
    });
  });
}
