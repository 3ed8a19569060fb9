import { Anchor, Badge, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, queryString, type AccessMatrixView, type PermissionListView, type RoleListView, type UserListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { groupByModule, moduleLabel, permissionLabel, roleName, userLabel } from './permissions.js';

/** Who can do what: everyone holding a right, or every right a person holds, with the roles that give it. */
export function AccessPage() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const [params, setParams] = useSearchParams();
  const permission = params.get('permission') ?? '';
  const userId = params.get('userId') ?? '';
  const catalogue = useQuery({
    queryKey: ['admin-permissions'],
    queryFn: () => api.get<PermissionListView>('/api/admin/permissions'),
    staleTime: 5 * 60_000,
  });
  const roles = useQuery({ queryKey: ['admin-roles'], queryFn: () => api.get<RoleListView>('/api/admin/roles') });
  const users = useQuery({
    queryKey: ['admin-users'],
    queryFn: () => api.get<UserListView>('/api/admin/users'),
    enabled: hasPermission(me, 'users.read'),
  });
  const filtered = permission !== '' || userId !== '';
  const matrix = useQuery({
    queryKey: ['admin-access', permission, userId],
    queryFn: () => api.get<AccessMatrixView>(`/api/admin/access${queryString({ permission, userId })}`),
    enabled: filtered,
  });

  const setFilter = (name: 'permission' | 'userId', value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  // The access matrix names roles in English; show the name in the reader's language.
  const roleLabel = (nameEn: string) => {
    const role = roles.data?.roles.find((r) => r.nameEn === nameEn);
    return role ? roleName(role, i18n.language) : nameEn;
  };
  const permissionOptions = groupByModule(catalogue.data?.permissions ?? []).map((group) => ({
    group: moduleLabel(t, group.module),
    items: group.permissions.map((p) => ({ value: p.key, label: `${permissionLabel(t, p.key)} (${p.key})` })),
  }));
  const personOptions = (users.data?.users ?? []).map((u) => ({ value: u.id, label: userLabel(u) }));

  if (catalogue.isPending) return <PageLoader />;
  const rows = matrix.data?.rows ?? [];
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('accessPage.title')}
      </Title>
      <Text size="sm">{t('accessPage.explain')}</Text>
      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t('accessPage.permission')}
            placeholder={t('accessPage.anyPermission')}
            searchable
            clearable
            clearButtonProps={{ 'aria-label': t('accessPage.clearPermission') }}
            nothingFoundMessage={t('roles.noMatch')}
            data={permissionOptions}
            value={permission || null}
            onChange={(value) => setFilter('permission', value)}
            data-testid="access-permission"
          />
          <Select
            label={t('accessPage.person')}
            placeholder={t('accessPage.anyPerson')}
            searchable
            clearable
            clearButtonProps={{ 'aria-label': t('accessPage.clearPerson') }}
            nothingFoundMessage={t('roles.noPeople')}
            disabled={!users.data}
            data={personOptions}
            value={userId || null}
            onChange={(value) => setFilter('userId', value)}
            data-testid="access-person"
          />
        </SimpleGrid>
      </Paper>
      <Group justify="space-between">
        <Text size="sm" data-testid="access-count">
          {filtered ? t('accessPage.count', { count: rows.length }) : t('accessPage.chooseFilter')}
        </Text>
        <Anchor href={`/api/admin/access${queryString({ permission, userId, format: 'csv' })}`} download size="sm" data-testid="access-csv">
          {t('accessPage.downloadCsv')}
        </Anchor>
      </Group>
      <FormError error={catalogue.error ?? roles.error ?? users.error ?? matrix.error} />
      {filtered && matrix.isPending && <PageLoader />}
      {filtered && matrix.data && (
        <Table.ScrollContainer minWidth={640} type="native" tabIndex={0} aria-label={t('accessPage.title')}>
          <Table striped data-testid="access-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('accessPage.person')}</Table.Th>
                <Table.Th>{t('roles.scope')}</Table.Th>
                <Table.Th>{t('accessPage.permission')}</Table.Th>
                <Table.Th>{t('accessPage.through')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={4}>{t('accessPage.none')}</Table.Td>
                </Table.Tr>
              )}
              {rows.map((row) => (
                <Table.Tr
                  key={`${row.userId}-${row.permission}`}
                  data-testid="access-row"
                  data-username={row.username}
                  data-permission={row.permission}
                  data-scope={row.scope}
                >
                  <Table.Td>
                    <Text size="sm">{row.displayName}</Text>
                    <Text size="xs" c="dimmed">
                      {row.username}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {row.scope === 'own_classes' ? (
                      <Badge color="blue.8" autoContrast style={{ maxWidth: 'none' }}>
                        {t('roles.scopes.own_classes')}
                      </Badge>
                    ) : (
                      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                        {t('roles.scopes.school')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{permissionLabel(t, row.permission)}</Text>
                    <Text size="xs" c="dimmed">
                      {row.permission}
                    </Text>
                  </Table.Td>
                  <Table.Td>{row.roles.map(roleLabel).join('、')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
