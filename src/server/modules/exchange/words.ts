import type { Duty } from './policy.js';
import type { CategoryKey } from './types.js';

/**
 * What the exchange names in sentences the server composes (a handover item, a check's summary), in
 * both languages, as the web words them (`exchange.categories`, `exchange.owner` …).
 */
export const CATEGORY_WORDS: Record<CategoryKey, { en: string; zh: string }> = {
  headcount: { en: 'Student headcount', zh: '實際在學人數點算' },
  enrolment: { en: 'Enrolment', zh: '學生註冊' },
  class_subject: { en: 'Classes and subjects', zh: '班別及科目資料調查' },
  place_allocation: { en: 'Place allocation', zh: '學位分配' },
  exam_registration: { en: 'Exam registration', zh: '考試報名' },
  general: { en: 'General notice', zh: '一般通告' },
};

export const DUTY_WORDS: Record<Duty, { en: string; zh: string }> = {
  owner: { en: 'owner', zh: '負責人' },
  backup: { en: 'backup', zh: '後備人' },
  checker: { en: 'checker', zh: '核對人' },
};
