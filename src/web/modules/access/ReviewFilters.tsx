import { Group, Select, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ReviewItem } from '../../api.js';

export type RecommendationFilter = 'all' | 'none' | NonNullable<ReviewItem['recommendation']>;
export type StateFilter = 'all' | 'undecided' | 'decided';

/** What the reviewer narrows the list to: a person, a role, a recommendation, decided or not. */
export interface ItemFilter {
  search: string;
  roleId: string | null;
  recommendation: RecommendationFilter;
  state: StateFilter;
}

export const NO_FILTER: ItemFilter = { search: '', roleId: null, recommendation: 'all', state: 'all' };

const RECOMMENDATIONS: readonly RecommendationFilter[] = ['all', 'none', 'inactive', 'staff_left', 'staff_on_leave'];
const STATES: readonly StateFilter[] = ['all', 'undecided', 'decided'];

/** The items that pass every filter; the search matches the name (Chinese or English) or the user name, in part. */
export function filterItems(items: ReviewItem[], f: ItemFilter): ReviewItem[] {
  const words = f.search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter(
    (i) =>
      words.every((w) => i.displayName.toLowerCase().includes(w) || i.username.toLowerCase().includes(w)) &&
      (f.roleId === null || i.roleId === f.roleId) &&
      (f.recommendation === 'all' || (f.recommendation === 'none' ? i.recommendation === null : i.recommendation === f.recommendation)) &&
      (f.state === 'all' || (f.state === 'decided') === (i.decision !== null)),
  );
}

/** The roles that occur in the review, each once, by the name the person reads. */
export function rolesIn(items: ReviewItem[], label: (item: ReviewItem) => string): { value: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const i of items) if (!seen.has(i.roleId)) seen.set(i.roleId, label(i));
  return [...seen].map(([value, name]) => ({ value, label: name })).sort((a, b) => a.label.localeCompare(b.label));
}

export function ReviewFilters({
  filter,
  onChange,
  roles,
}: {
  filter: ItemFilter;
  onChange: (next: ItemFilter) => void;
  roles: { value: string; label: string }[];
}) {
  const { t } = useTranslation();
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" data-testid="review-filters">
      <TextInput
        label={t('reviewBulk.search')}
        placeholder={t('reviewBulk.searchHint')}
        type="search"
        value={filter.search}
        onChange={(e) => onChange({ ...filter, search: e.currentTarget.value })}
        w={{ base: '100%', sm: 220 }}
        data-testid="review-filter-search"
      />
      <Select
        label={t('reviewBulk.role')}
        placeholder={t('reviewBulk.anyRole')}
        clearable
        searchable
        data={roles}
        value={filter.roleId}
        onChange={(roleId) => onChange({ ...filter, roleId })}
        comboboxProps={{ withinPortal: false }}
        w={{ base: '100%', sm: 220 }}
        data-testid="review-filter-role"
      />
      <Select
        label={t('reviews.recommendation')}
        allowDeselect={false}
        data={RECOMMENDATIONS.map((r) => ({
          value: r,
          label: r === 'all' ? t('reviewBulk.anyRecommendation') : t(`reviews.recommendations.${r}`),
        }))}
        value={filter.recommendation}
        onChange={(v) => onChange({ ...filter, recommendation: RECOMMENDATIONS.find((r) => r === v) ?? 'all' })}
        comboboxProps={{ withinPortal: false }}
        w={{ base: '100%', sm: 200 }}
        data-testid="review-filter-recommendation"
      />
      <Select
        label={t('reviews.decision')}
        allowDeselect={false}
        data={STATES.map((s) => ({ value: s, label: t(`reviewBulk.states.${s}`) }))}
        value={filter.state}
        onChange={(v) => onChange({ ...filter, state: STATES.find((s) => s === v) ?? 'all' })}
        comboboxProps={{ withinPortal: false }}
        w={{ base: '100%', sm: 160 }}
        data-testid="review-filter-state"
      />
    </Group>
  );
}
