import type { Step } from './policy.js';

/** A step's name in sentences the server composes (reminders, the memo check), as the web words them (`planningCalendar.steps`). */
export const STEP_WORDS: Record<Step, { en: string; zh: string }> = {
  plan_classes: { en: 'Plan classes', zh: '規劃班別' },
  decide_promotion: { en: 'Decide promotion', zh: '決定升留級' },
  admit_intake: { en: 'Admit the new intake', zh: '取錄新生' },
  assign_classes: { en: 'Assign classes and class numbers', zh: '編配班別及學號' },
  check: { en: 'Check', zh: '核對' },
  migrate: { en: 'Migrate to the new year', zh: '遷移至新學年' },
};

/** A Hong Kong date (YYYY-MM-DD) as each language writes it: 30/11/2026 and 2026年11月30日. */
export function dateWords(date: string): { en: string; zh: string } {
  const [y, m, d] = date.split('-');
  return { en: `${d}/${m}/${y}`, zh: `${y}年${Number(m)}月${Number(d)}日` };
}
