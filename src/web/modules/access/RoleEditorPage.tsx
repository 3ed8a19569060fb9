import { useMemo, useState, type FormEvent } from 'react';
import { isPermissionKey } from '../../../contracts/permissions.js';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import {
  api,
  type Created,
  type GrantScope,
  type Permission,
  type PermissionListView,
  type RoleDetailView,
  type UserListView,
} from '../../api.js';
import { NameFields } from '../../components/NameFields.js';
import { FormError } from '../../components/FormError.js';
import { formatDate } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, meQuery, PageLoader, useMe } from '../../components/session.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { groupByModule, isScoped, moduleLabel, permissionLabel, roleName, userLabel } from './permissions.js';

type Grants = Record<string, GrantScope>;

const toGrants = (role: RoleDetailView | null): Grants => Object.fromEntries((role?.grants ?? []).map((g) => [g.key, g.scope]));

function PermissionRow({
  permission,
  scope,
  held,
  editable,
  onChange,
}: {
  permission: Permission;
  scope: GrantScope | undefined;
  held: boolean;
  editable: boolean;
  onChange: (scope: GrantScope | undefined) => void;
}) {
  const { t } = useTranslation();
  const { key } = permission;
  const checked = scope !== undefined;
  const disabled = !editable || !held;
  return (
    <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap" data-testid="permission-row" data-permission={key}>
      <Stack gap={2} style={{ flex: '1 1 200px', minWidth: 0 }}>
        <Checkbox
          checked={checked}
          disabled={disabled}
          onChange={(e) => onChange(e.currentTarget.checked ? 'school' : undefined)}
          label={permissionLabel(t, key)}
          description={key}
          data-testid={`grant-${key}`}
        />
        <Group gap={4} pl={32}>
          {permission.security && (
            <Badge size="xs" color="red.9" variant="outline" style={{ maxWidth: 'none' }}>
              {t('roles.security')}
            </Badge>
          )}
          {!held && editable && (
            <Text size="xs" c="dimmed">
              {t('roles.notHeld')}
            </Text>
          )}
        </Group>
      </Stack>
      {isScoped(key) && (
        <Select
          size="xs"
          w={170}
          label={t('roles.scope')}
          aria-label={t('roles.scopeOf', { right: permissionLabel(t, key) })}
          allowDeselect={false}
          disabled={disabled || !checked}
          data={(['school', 'own_classes'] as const).map((s) => ({ value: s, label: t(`roles.scopes.${s}`) }))}
          value={scope ?? 'school'}
          onChange={(value) => value && onChange(value)}
          data-testid={`scope-${key}`}
        />
      )}
    </Group>
  );
}

function PermissionGrid({
  catalogue,
  grants,
  held,
  editable,
  onChange,
}: {
  catalogue: Permission[];
  grants: Grants;
  held: (key: string) => boolean;
  editable: boolean;
  onChange: (grants: Grants) => void;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const visible = needle
    ? catalogue.filter((p) => p.key.toLowerCase().includes(needle) || permissionLabel(t, p.key).toLowerCase().includes(needle))
    : catalogue;
  const set = (key: string, scope: GrantScope | undefined) => {
    const next = { ...grants };
    if (scope) next[key] = scope;
    else delete next[key];
    onChange(next);
  };
  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        {t('roles.rightsSection')}
      </Title>
      <Text size="sm" data-testid="role-grant-count">
        {t('roles.chosen', { count: Object.keys(grants).length })}
      </Text>
      <TextInput
        type="search"
        label={t('roles.search')}
        description={t('roles.searchHint')}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        data-testid="role-permission-search"
      />
      {visible.length === 0 && <Text size="sm">{t('roles.noMatch')}</Text>}
      {groupByModule(visible).map((group) => (
        <Fieldset key={group.module} legend={moduleLabel(t, group.module)} data-testid="permission-group" data-module={group.module} p="sm">
          <Stack gap="sm">
            {group.permissions.map((permission) => (
              <PermissionRow
                key={permission.key}
                permission={permission}
                scope={grants[permission.key]}
                held={held(permission.key)}
                editable={editable}
                onChange={(scope) => set(permission.key, scope)}
              />
            ))}
          </Stack>
        </Fieldset>
      ))}
    </Stack>
  );
}

function CopyModal({ role, opened, onClose }: { role: RoleDetailView; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [nameZh, setNameZh] = useState(`${role.nameZh}（副本）`);
  const [nameEn, setNameEn] = useState(`${role.nameEn} (copy)`);
  const copy = useMutation({
    mutationFn: () => api.post<Created>(`/api/admin/roles/${role.id}/copy`, { nameZh: nameZh.trim(), nameEn: nameEn.trim() }),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['admin-roles'] });
      showSuccess(t('roles.copied'));
      onClose();
      void navigate(`/admin/roles/${created.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    copy.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={onClose} title={t('roles.copyTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('roles.copyExplain')}</Text>
          <NameFields labels="roles" testId="role-copy" nameZh={nameZh} nameEn={nameEn} onNameZh={setNameZh} onNameEn={setNameEn} />
          <FormError error={copy.error} />
          <Button type="submit" loading={copy.isPending} data-testid="role-copy-submit">
            {t('roles.copySubmit')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteModal({ role, opened, onClose }: { role: RoleDetailView; opened: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.del(`/api/admin/roles/${role.id}`),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['admin-roles'] });
      queryClient.removeQueries({ queryKey: ['admin-role', role.id] });
      showSuccess(t('roles.deleted'));
      onClose();
      void navigate('/admin/roles');
    },
  });
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={onClose} title={t('roles.deleteTitle')}>
      <Stack gap="sm">
        <Text size="sm">{t('roles.deleteExplain', { name: roleName(role, i18n.language) })}</Text>
        <FormError error={remove.error} messages={{ conflict: 'roles.deleteConflict' }} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red.9" loading={remove.isPending} onClick={() => remove.mutate()} data-testid="role-delete-confirm">
            {t('roles.deleteConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function AddMemberModal({ role, opened, onClose }: { role: RoleDetailView; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: ['admin-users'], queryFn: () => api.get<UserListView>('/api/admin/users'), enabled: opened });
  const [userId, setUserId] = useState<string | null>(null);
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const current = new Set(role.members.filter((m) => !m.planned).map((m) => m.userId));
  const options = (users.data?.users ?? [])
    .filter((u) => u.status === 'active' && !current.has(u.id))
    .map((u) => ({ value: u.id, label: userLabel(u) }));
  const add = useMutation({
    mutationFn: () =>
      api.post(`/api/admin/roles/${role.id}/members`, { userId, ...(startsOn ? { startsOn } : {}), ...(endsOn ? { endsOn } : {}) }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['admin-role', role.id] }),
        queryClient.invalidateQueries({ queryKey: ['admin-roles'] }),
        queryClient.invalidateQueries({ queryKey: ['admin-users'] }),
        queryClient.invalidateQueries({ queryKey: ['admin-access'] }),
        queryClient.invalidateQueries({ queryKey: meQuery.queryKey }),
      ]);
      setUserId(null);
      setStartsOn('');
      setEndsOn('');
      showSuccess(t('roles.memberAdded'));
      close();
    },
  });
  const close = () => {
    add.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (userId) add.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={close} title={t('roles.addMemberTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Select
            label={t('roles.person')}
            required
            searchable
            nothingFoundMessage={t('roles.noPeople')}
            data={options}
            value={userId}
            onChange={setUserId}
            comboboxProps={{ withinPortal: false }}
            data-testid="member-user"
          />
          <DateField
            label={t('roles.startsOptional')}
            description={t('roles.startsHint')}
            value={startsOn}
            onChange={(value) => setStartsOn(value)}
            data-testid="member-starts"
          />
          <DateField
            label={t('roles.endsOptional')}
            description={t('roles.endsHint')}
            value={endsOn}
            onChange={(value) => setEndsOn(value)}
            data-testid="member-ends"
          />
          <FormError error={users.error ?? add.error} />
          <Button type="submit" disabled={!userId} loading={add.isPending} data-testid="member-submit">
            {t('roles.addSubmit')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function Members({ role, canAssign }: { role: RoleDetailView; canAssign: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const remove = useMutation({
    mutationFn: (userId: string) => api.del(`/api/admin/roles/${role.id}/members/${userId}`),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['admin-role', role.id] }),
        queryClient.invalidateQueries({ queryKey: ['admin-roles'] }),
        queryClient.invalidateQueries({ queryKey: ['admin-users'] }),
        queryClient.invalidateQueries({ queryKey: ['admin-access'] }),
        queryClient.invalidateQueries({ queryKey: meQuery.queryKey }),
      ]);
      showSuccess(t('roles.memberRemoved'));
    },
  });
  return (
    <Stack gap="sm" data-testid="role-members" data-count={role.members.length}>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('roles.membersTitle')}
        </Title>
        {canAssign && (
          <Button variant="default" onClick={() => setAdding(true)} data-testid="member-add">
            {t('roles.addMember')}
          </Button>
        )}
      </Group>
      <FormError error={remove.error} />
      {role.members.length === 0 ? (
        <Text size="sm" data-testid="role-members-none">
          {t('roles.noMembers')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={620} type="native" tabIndex={0} aria-label={t('roles.membersTitle')}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('auth.username')}</Table.Th>
                <Table.Th>{t('users.name')}</Table.Th>
                <Table.Th>{t('roles.from')}</Table.Th>
                <Table.Th>{t('roles.until')}</Table.Th>
                <Table.Th>{t('roles.status')}</Table.Th>
                {canAssign && <Table.Th>{t('common.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {role.members.map((member) => (
                <Table.Tr
                  key={`${member.userId}-${member.startsOn ?? ''}`}
                  data-testid="role-member"
                  data-username={member.username}
                  data-planned={member.planned}
                  data-ends-on={member.endsOn ?? ''}
                >
                  <Table.Td>{member.username}</Table.Td>
                  <Table.Td>{member.displayName}</Table.Td>
                  <Table.Td>{member.startsOn ? formatDate(member.startsOn, i18n.language) : t('roles.now')}</Table.Td>
                  <Table.Td>{member.endsOn ? formatDate(member.endsOn, i18n.language) : t('roles.noEnd')}</Table.Td>
                  <Table.Td>
                    <StatusBadge
                      status={member.planned ? 'planned' : 'current'}
                      labelKey={member.planned ? 'roles.planned' : 'roles.inForce'}
                    />
                  </Table.Td>
                  {canAssign && (
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="default"
                        loading={remove.isPending && remove.variables === member.userId}
                        onClick={() => remove.mutate(member.userId)}
                        aria-label={t('roles.removeNamed', { name: member.username })}
                        data-testid="member-remove"
                      >
                        {t('roles.remove')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {canAssign && <AddMemberModal role={role} opened={adding} onClose={() => setAdding(false)} />}
    </Stack>
  );
}

function RoleForm({ role, catalogue }: { role: RoleDetailView | null; catalogue: Permission[] }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const canManage = hasPermission(me, 'roles.manage');
  const canAssign = hasPermission(me, 'roles.assign') && hasPermission(me, 'users.read');
  const [nameZh, setNameZh] = useState(role?.nameZh ?? '');
  const [nameEn, setNameEn] = useState(role?.nameEn ?? '');
  const [grants, setGrants] = useState<Grants>(() => toGrants(role));
  const [copying, setCopying] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const body = () => ({
    nameZh: nameZh.trim(),
    nameEn: nameEn.trim(),
    grants: Object.entries(grants).map(([key, scope]) => ({ key, scope })),
  });
  const save = useMutation({
    mutationFn: async () => {
      if (role) {
        await api.put(`/api/admin/roles/${role.id}`, body());
        return role.id;
      }
      return (await api.post<Created>('/api/admin/roles', body())).id;
    },
    onSuccess: async (id) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['admin-roles'] }),
        queryClient.invalidateQueries({ queryKey: ['admin-role', id] }),
        queryClient.invalidateQueries({ queryKey: ['admin-access'] }),
        queryClient.invalidateQueries({ queryKey: meQuery.queryKey }),
      ]);
      showSuccess(t(role ? 'roles.saved' : 'roles.created'));
      if (!role) void navigate(`/admin/roles/${id}`, { replace: true });
    },
  });
  const held = (key: string) => isPermissionKey(key) && hasPermission(me, key);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const title = role ? roleName(role, i18n.language) : t('roles.newTitle');

  return (
    <Stack gap="md" data-testid="role-editor" data-role-id={role?.id ?? ''}>
      <Anchor component={Link} to="/admin/roles" size="sm" data-testid="role-back">
        {t('roles.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2">
          {title}
        </Title>
        {role && canManage && (
          <Group gap="xs">
            <Button variant="default" onClick={() => setCopying(true)} data-testid="role-copy">
              {t('roles.copy')}
            </Button>
            {role.key === null && (
              <Button variant="outline" color="red.9" onClick={() => setDeleting(true)} data-testid="role-delete">
                {t('roles.delete')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      {role?.key && (
        <Alert color="blue" variant="outline" data-testid="role-template-note">
          <Text size="sm">{t('roles.templateNote')}</Text>
        </Alert>
      )}
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Paper withBorder p="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <NameFields
                labels="roles"
                testId="role"
                nameZh={nameZh}
                nameEn={nameEn}
                onNameZh={setNameZh}
                onNameEn={setNameEn}
                disabled={!canManage}
              />
            </SimpleGrid>
          </Paper>
          <PermissionGrid catalogue={catalogue} grants={grants} held={held} editable={canManage} onChange={setGrants} />
          <FormError error={save.error} />
          {canManage && (
            <Group>
              <Button type="submit" loading={save.isPending} data-testid="role-save">
                {role ? t('common.save') : t('roles.create')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
      {role ? <Members role={role} canAssign={canAssign} /> : <Text size="sm">{t('roles.saveFirst')}</Text>}
      {role && canManage && (
        <>
          <CopyModal key={`copy-${role.id}-${copying}`} role={role} opened={copying} onClose={() => setCopying(false)} />
          <DeleteModal role={role} opened={deleting} onClose={() => setDeleting(false)} />
        </>
      )}
    </Stack>
  );
}

/** One role: its names, its rights (a grid by module, students' rights limited to own classes if wished) and its people. */
export function RoleEditorPage() {
  const { id = '' } = useParams();
  const isNew = id === 'new';
  const catalogue = useQuery({
    queryKey: ['admin-permissions'],
    queryFn: () => api.get<PermissionListView>('/api/admin/permissions'),
    staleTime: 5 * 60_000,
  });
  const detail = useQuery({
    queryKey: ['admin-role', id],
    queryFn: () => api.get<RoleDetailView>(`/api/admin/roles/${id}`),
    enabled: !isNew && id !== '',
  });
  const permissions = useMemo(() => catalogue.data?.permissions ?? [], [catalogue.data]);

  if (catalogue.isPending || (!isNew && detail.isPending)) return <PageLoader />;
  if (catalogue.error || detail.error) return <FormError error={catalogue.error ?? detail.error} />;
  const role = isNew ? null : (detail.data ?? null);
  return <RoleForm key={role?.id ?? 'new'} role={role} catalogue={permissions} />;
}
