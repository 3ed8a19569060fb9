import { Anchor, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { DataList } from '../../components/DataList.js';
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
        <DataList
          testId="roles-table"
          minWidth={520}
          rows={roles.data.roles}
          rowKey={(role) => role.id}
          rowAttributes={(role) => ({ 'data-testid': 'role-row', 'data-role-key': role.key ?? '', 'data-role-name': role.nameEn })}
          empty={<Text size="sm">{t('roles.none')}</Text>}
          columns={[
            {
              key: 'name',
              header: t('roles.name'),
              card: 'title',
              cell: (role) => (
                <>
                  <Anchor component={Link} to={`/admin/roles/${role.id}`} size="sm" fw={600} data-testid="role-name-link">
                    {roleName(role, i18n.language)}
                  </Anchor>
                  <Text size="xs" c="dimmed" component="span" display="block">
                    {i18n.language === 'en' ? role.nameZh : role.nameEn}
                  </Text>
                </>
              ),
            },
            { key: 'members', header: t('roles.members'), card: 'field', testId: 'role-member-count', cell: (role) => role.memberCount },
            {
              key: 'rights',
              header: t('roles.rights'),
              card: 'field',
              testId: 'role-right-count',
              cell: (role) => role.permissions.length,
            },
            {
              key: 'kind',
              header: t('roles.kind'),
              card: 'subtitle',
              cell: (role) =>
                role.key ? (
                  <Badge color="gray.7" variant="outline" style={{ maxWidth: 'none' }}>
                    {t('roles.template')}
                  </Badge>
                ) : (
                  <Text size="sm">{t('roles.custom')}</Text>
                ),
            },
            {
              key: 'actions',
              header: t('common.actions'),
              card: 'actions',
              cell: (role) => (
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
              ),
            },
          ]}
        />
      )}
    </Stack>
  );
}
