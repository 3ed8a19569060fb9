import type { AuthorityCode } from './queries.js';

/** The authorities an installation can host; their names are fixed, their users and keys are their own. */
export const AUTHORITY_NAMES: Record<AuthorityCode, { nameZh: string; nameEn: string }> = {
  EDB: { nameZh: '教育局', nameEn: 'Education Bureau' },
  HKEAA: { nameZh: '香港考試及評核局', nameEn: 'Hong Kong Examinations and Assessment Authority' },
};
