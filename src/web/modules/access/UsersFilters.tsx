import { useState, type FormEvent } from 'react';
import { Button, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { queryString, type Role, type SsoMode } from '../../api.js';
import { roleName } from './permissions.js';

const STATUSES = ['active', 'disabled', 'locked'] as const;
const MFA = ['enrolled', 'not_enrolled'] as const;
const KINDS = ['personal', 'shared', 'break_glass'] as const;
const SSO_MODES: readonly SsoMode[] = ['local', 'allowed', 'required'];

/** The users page's search and filters, as the server takes them (issue 14 item 10). */
export interface UserFilter {
  q: string;
  roleId: string | null;
  status: (typeof STATUSES)[number] | null;
  mfa: (typeof MFA)[number] | null;
  kind: (typeof KINDS)[number] | null;
  ssoMode: SsoMode | null;
}

export const NO_USER_FILTER: UserFilter = { q: '', roleId: null, status: null, mfa: null, kind: null, ssoMode: null };

/** The query string for one page of the list. */
export function userListQuery(f: UserFilter, limit: number, offset: number): string {
  return queryString({
    q: f.q.trim() || undefined,
    roleId: f.roleId ?? undefined,
    status: f.status ?? undefined,
    mfa: f.mfa ?? undefined,
    kind: f.kind ?? undefined,
    ssoMode: f.ssoMode ?? undefined,
    limit,
    offset,
  });
}

const pick = <T extends string>(values: readonly T[], value: string | null): T | null => values.find((v) => v === value) ?? null;

/** Search on submit (Enter), filters at once; every change starts again at the first page. */
export function UsersFilters({ filter, onChange, roles }: { filter: UserFilter; onChange: (next: UserFilter) => void; roles: Role[] }) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState(filter.q);
  const search = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...filter, q: draft });
  };
  const any = t('userSearch.any');
  return (
    <form onSubmit={search} noValidate role="search" aria-label={t('userSearch.search')}>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 6 }} spacing="sm" verticalSpacing="xs">
        <TextInput
          label={t('userSearch.search')}
          placeholder={t('userSearch.searchHint')}
          type="search"
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
          data-testid="users-search"
        />
        {roles.length > 0 && (
          <Select
            label={t('userSearch.role')}
            placeholder={t('userSearch.anyRole')}
            clearable
            searchable
            data={roles.map((r) => ({ value: r.id, label: roleName(r, i18n.language) }))}
            value={filter.roleId}
            onChange={(roleId) => onChange({ ...filter, roleId })}
            data-testid="users-filter-role"
          />
        )}
        <Select
          label={t('userSearch.status')}
          placeholder={any}
          clearable
          data={STATUSES.map((s) => ({ value: s, label: t(`userSearch.statuses.${s}`) }))}
          value={filter.status}
          onChange={(v) => onChange({ ...filter, status: pick(STATUSES, v) })}
          data-testid="users-filter-status"
        />
        <Select
          label={t('userSearch.mfa')}
          placeholder={any}
          clearable
          data={MFA.map((m) => ({ value: m, label: t(`userSearch.mfaOptions.${m}`) }))}
          value={filter.mfa}
          onChange={(v) => onChange({ ...filter, mfa: pick(MFA, v) })}
          data-testid="users-filter-mfa"
        />
        <Select
          label={t('userSearch.kind')}
          placeholder={any}
          clearable
          data={KINDS.map((k) => ({ value: k, label: t(`privileged.kinds.${k}`) }))}
          value={filter.kind}
          onChange={(v) => onChange({ ...filter, kind: pick(KINDS, v) })}
          data-testid="users-filter-kind"
        />
        <Select
          label={t('userSearch.signIn')}
          placeholder={any}
          clearable
          data={SSO_MODES.map((m) => ({ value: m, label: t(`users.ssoModes.${m}`) }))}
          value={filter.ssoMode}
          onChange={(v) => onChange({ ...filter, ssoMode: pick(SSO_MODES, v) })}
          data-testid="users-filter-sign-in"
        />
      </SimpleGrid>
      <Group gap="sm" mt="xs">
        <Button type="submit" data-testid="users-search-submit">
          {t('common.search')}
        </Button>
        <Button
          variant="default"
          onClick={() => {
            setDraft('');
            onChange(NO_USER_FILTER);
          }}
          data-testid="users-filter-clear"
        >
          {t('userSearch.clear')}
        </Button>
      </Group>
    </form>
  );
}
