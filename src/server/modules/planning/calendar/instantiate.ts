import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { PlanningDeps } from './common.js';
import { dueDateIn, yearCode } from './policy.js';
import { insertYearTasks } from './queries/tasks.js';
import { listTemplates } from './queries/templates.js';
import { ensureDefaultTemplates } from './templates.js';

/**
 * Make a school year's tasks from the active templates, each with the template's owner and its date
 * in that year. Once per template and year: making them again adds only templates added since.
 */
export async function instantiateYear(d: PlanningDeps, actor: Actor, startYear: number): Promise<{ added: number }> {
  return d.db.schoolTx(actor.schoolId, async (q) => {
    const now = d.clock.now();
    await ensureDefaultTemplates(q, actor.schoolId, now);
    const templates = (await listTemplates(q)).filter((t) => t.active);
    const added = await insertYearTasks(
      q,
      actor.schoolId,
      startYear,
      templates.map((t) => ({
        templateId: t.id,
        titleZh: t.title_zh,
        titleEn: t.title_en,
        month: t.month,
        dueOn: dueDateIn(startYear, t.month, t.due_day),
        ownerId: t.owner_id,
      })),
      now,
    );
    if (added > 0)
      await audit(q, d.clock, {
        ...who(actor),
        action: 'planning.calendar_made',
        target: `planning-year:${startYear}`,
        details: { year: yearCode(startYear), added },
      });
    return { added };
  });
}
