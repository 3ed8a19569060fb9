/**
 * The Hong Kong school year's major tasks, shipped to every school as templates (memo O3): each
 * school edits its own copy, adds its own and retires any. Month 9 is September of the school year,
 * month 1 January of the next calendar year. Days are the school's own working deadlines, a little
 * before the authorities' usual ones; a school moves them to this year's circulars.
 */
export interface DefaultTemplate {
  key: string;
  month: number;
  day: number;
  titleZh: string;
  titleEn: string;
}

export const DEFAULT_TEMPLATES: readonly DefaultTemplate[] = [
  {
    key: 'enrolment_survey',
    month: 9,
    day: 20,
    titleZh: '開學學生人數調查（學生註冊）',
    titleEn: 'Enrolment survey at the start of the year',
  },
  {
    key: 'exam_registration',
    month: 10,
    day: 15,
    titleZh: '香港中學文憑考試報名（香港考試及評核局）',
    titleEn: 'Public examination registration (HKEAA)',
  },
  {
    key: 'headcount',
    month: 10,
    day: 20,
    titleZh: '實際在學人數點算（10月參考日期）',
    titleEn: 'Student headcount on the October reference date',
  },
  {
    key: 'class_subject_survey',
    month: 11,
    day: 15,
    titleZh: '班別及科目資料調查',
    titleEn: 'Class and subject survey',
  },
  {
    key: 's1_discretionary',
    month: 1,
    day: 20,
    titleZh: '中一自行分配學位',
    titleEn: 'S1 discretionary places',
  },
  {
    key: 'allocation_choices',
    month: 4,
    day: 30,
    titleZh: '中一派位選校（4月至5月）',
    titleEn: 'Secondary school places allocation choices (April–May)',
  },
  {
    key: 'transition_plan',
    month: 5,
    day: 31,
    titleZh: '開展下學年的過渡計劃',
    titleEn: 'Start the transition plan for the next school year',
  },
  {
    key: 'allocation_results',
    month: 7,
    day: 15,
    titleZh: '中一派位結果及中一新生註冊',
    titleEn: 'Allocation results and S1 registration',
  },
  {
    key: 'year_transition',
    month: 8,
    day: 31,
    titleZh: '學年轉換（升級、編班及遷移至新學年）',
    titleEn: 'Summer year transition (promotion, classes, migration to the new year)',
  },
];
