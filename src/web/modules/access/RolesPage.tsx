import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type RoleListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { roleName } from './permissions.js';

/** The school's roles with how many rights and people each has (memo U1). */
export function RolesPage() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const roles = useQuery({ queryKey: ['admin-roles'], queryFn: () => api.get<RoleListView>('/api/admin/roles') });

  if (roles.isPending) return <PageLoader />;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('roles.title')}
        </Title>
        <Group gap="xs">
          <Button component={Link} to="/admin/access" variant="default" data-testid="roles-access-link">
            {t('nav.access')}
          </Button>
          {hasPermission(me, 'roles.manage') && (
            <Button component={Link} to="/admin/roles/new" data-testid="role-new">
              {t('roles.new')}
            </Button>
          )}
        </Group>
      </Group>
      <Text size="sm">{t('roles.explain')}</Text>
      <FormError error={roles.error} />
      {roles.data && (
        <Table.ScrollContainer minWidth={520} type="native" tabIndex={0} aria-label={t('roles.title')}>
          <Table striped data-testid="roles-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('roles.name')}</Table.Th>
                <Table.Th>{t('roles.members')}</Table.Th>
                <Table.Th>{t('roles.rights')}</Table.Th>
                <Table.Th>{t('roles.kind')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {roles.data.roles.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>{t('roles.none')}</Table.Td>
                </Table.Tr>
              )}
              {roles.data.roles.map((role) => (
                <Table.Tr key={role.id} data-testid="role-row" data-role-key={role.key ?? ''} data-role-name={role.nameEn}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/roles/${role.id}`} size="sm" fw={600} data-testid="role-name-link">
                      {roleName(role, i18n.language)}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {i18n.language === 'en' ? role.nameZh : role.nameEn}
                    </Text>
                  </Table.Td>
                  <Table.Td data-testid="role-member-count">{role.memberCount}</Table.Td>
                  <Table.Td data-testid="role-right-count">{role.permissions.length}</Table.Td>
                  <Table.Td>
                    {role.key ? (
                      <Badge color="gray.7" variant="outline" style={{ maxWidth: 'none' }}>
                        {t('roles.template')}
                      </Badge>
                    ) : (
                      <Text size="sm">{t('roles.custom')}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      component={Link}
                      to={`/admin/roles/${role.id}`}
                      size="compact-sm"
                      variant="default"
                      data-testid="role-open"
                      aria-label={t('roles.openNamed', { name: roleName(role, i18n.language) })}
                    >
                      {t('roles.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
