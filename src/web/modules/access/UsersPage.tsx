import { useState, type FormEvent } from 'react';
import type { PermissionKey } from '../../../contracts/permissions.js';
import { Badge, Button, Checkbox, Group, Modal, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Role, type RoleListView, type SsoMode, type User, type UserListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { formatDateTime } from '../../components/format.js';
import { PasswordRules } from '../../components/ChangePasswordForm.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { roleLabel } from '../../components/labels.js';
import type { RoleNameList } from '../../../contracts/labels.js';
import type { z } from 'zod';

function RoleCheckboxes({ roles, selected, onChange }: { roles: Role[]; selected: string[]; onChange: (ids: string[]) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Checkbox.Group label={t('users.roles')} value={selected} onChange={onChange}>
      <Stack gap="xs" mt="xs">
        {roles.map((role) => (
          <Checkbox key={role.id} value={role.id} label={roleLabel(t, role, i18n.language)} data-testid={`role-${role.key ?? role.id}`} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}

function CreateUserModal({ opened, onClose, roles }: { opened: boolean; onClose: () => void; roles: Role[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [displayNameEn, setNameEn] = useState('');
  const [displayNameZh, setNameZh] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      api.post('/api/admin/users', {
        username,
        displayNameEn,
        ...(displayNameZh.trim() ? { displayNameZh } : {}),
        ...(email.trim() ? { email } : {}),
        password,
        roleIds,
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['admin-users'] });
      setUsername('');
      setNameEn('');
      setNameZh('');
      setEmail('');
      setPassword('');
      setRoleIds([]);
      showSuccess(t('users.created'));
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={onClose} title={t('users.create')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('auth.username')}
            description={t('users.usernameHint')}
            required
            autoCapitalize="none"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            data-testid="user-create-username"
          />
          <TextInput
            label={t('users.nameEn')}
            required
            value={displayNameEn}
            onChange={(e) => setNameEn(e.currentTarget.value)}
            data-testid="user-create-name-en"
          />
          <TextInput
            label={t('users.nameZhOptional')}
            value={displayNameZh}
            onChange={(e) => setNameZh(e.currentTarget.value)}
            data-testid="user-create-name-zh"
          />
          <TextInput
            label={t('users.emailOptional')}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            data-testid="user-create-email"
          />
          <PasswordRules />
          <PasswordInput
            label={t('users.initialPassword')}
            description={t('users.mustChangeExplain')}
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-testid="user-create-password"
          />
          {roles.length > 0 && <RoleCheckboxes roles={roles} selected={roleIds} onChange={setRoleIds} />}
          <FormError error={create.error} />
          <Button type="submit" loading={create.isPending} data-testid="user-create-submit">
            {t('users.create')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [newPassword, setNewPassword] = useState('');
  const reset = useMutation({
    mutationFn: (id: string) => api.post(`/api/admin/users/${id}/reset-password`, { newPassword }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['admin-users'] });
      setNewPassword('');
      showSuccess(t('users.passwordReset'));
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (user) reset.mutate(user.id);
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened={user !== null}
      onClose={onClose}
      title={t('users.resetPasswordFor', { username: user?.username ?? '' })}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('users.mustChangeExplain')}</Text>
          <PasswordRules />
          <PasswordInput
            label={t('password.new')}
            required
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.currentTarget.value)}
            data-testid="reset-password-input"
          />
          <FormError error={reset.error} />
          <Button type="submit" loading={reset.isPending} data-testid="reset-password-submit">
            {t('users.resetPassword')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function EditRolesModal({ user, roles, onClose }: { user: User | null; roles: Role[]; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [forUser, setForUser] = useState<string | null>(null);
  if (user && forUser !== user.id) {
    setForUser(user.id);
    setRoleIds(user.roleIds);
  }
  const save = useMutation({
    mutationFn: (id: string) => api.put(`/api/admin/users/${id}/roles`, { roleIds }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['admin-users'] });
      await queryClient.invalidateQueries({ queryKey: ['admin-roles'] });
      showSuccess(t('users.rolesSaved'));
      close();
    },
  });
  const close = () => {
    setForUser(null);
    save.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (user) save.mutate(user.id);
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened={user !== null}
      onClose={close}
      title={t('users.editRolesFor', { username: user?.username ?? '' })}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <RoleCheckboxes roles={roles} selected={roleIds} onChange={setRoleIds} />
          <FormError error={save.error} />
          <Button type="submit" loading={save.isPending} data-testid="roles-submit">
            {t('common.save')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

const SSO_MODES: readonly SsoMode[] = ['local', 'allowed', 'required'];

/** How one person signs in: password, password or single sign-on, or single sign-on only (saved on change). */
function SsoModeSelect({ user }: { user: User }) {
  const { t } = useTranslation();
  // The user list does not carry the mode, so the select shows what was chosen here.
  const [mode, setMode] = useState<SsoMode | null>(null);
  const save = useMutation({
    mutationFn: (next: SsoMode) => api.put(`/api/admin/users/${user.id}/sso`, { mode: next }),
    onSuccess: (_, next) => {
      setMode(next);
      showSuccess(t('users.ssoModeSaved'));
    },
  });
  return (
    <Stack gap={2}>
      <Select
        size="xs"
        w={210}
        aria-label={t('users.ssoModeFor', { username: user.username })}
        placeholder={t('users.ssoMode')}
        allowDeselect={false}
        disabled={save.isPending}
        data={SSO_MODES.map((m) => ({ value: m, label: t(`users.ssoModes.${m}`) }))}
        value={mode}
        onChange={(value) => {
          const next = SSO_MODES.find((m) => m === value);
          if (next) save.mutate(next);
        }}
        comboboxProps={{ withinPortal: false }}
        data-testid="user-sso-mode"
        data-mode={mode ?? ''}
      />
      <FormError error={save.error} />
    </Stack>
  );
}

export function UsersPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const can = (permission: PermissionKey) => hasPermission(me, permission);
  const users = useQuery({ queryKey: ['admin-users'], queryFn: () => api.get<UserListView>('/api/admin/users') });
  const roles = useQuery({
    queryKey: ['admin-roles'],
    queryFn: () => api.get<RoleListView>('/api/admin/roles'),
    enabled: can('roles.read'),
  });
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [editingRoles, setEditingRoles] = useState<User | null>(null);
  const unlock = useMutation({
    mutationFn: (id: string) => api.post(`/api/admin/users/${id}/unlock`),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['admin-users'] });
      showSuccess(t('users.unlocked'));
    },
  });
  const roleList = roles.data?.roles ?? [];
  // Names only, for whoever may list people (the office clerk has no right to read roles' rights).
  const names = useQuery({ queryKey: ['role-names'], queryFn: () => api.get<z.infer<typeof RoleNameList>>('/api/admin/role-names') });
  const roleText = (id: string) => {
    const role = names.data?.roles.find((r) => r.id === id);
    return role ? roleLabel(t, role, i18n.language) : '';
  };
  // The actions column is there only for someone who may do something in it.
  const anyAction = can('users.unlock') || can('users.reset_password') || (can('roles.assign') && can('roles.read'));
  const isLocked = (user: User) => user.lockedUntil !== null && new Date(user.lockedUntil).getTime() > Date.now();

  if (users.isPending) return <PageLoader />;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('users.title')}
        </Title>
        {can('users.manage') && (
          <Button onClick={() => setCreating(true)} data-testid="user-create">
            {t('users.create')}
          </Button>
        )}
      </Group>
      <FormError error={users.error ?? unlock.error} />
      {users.data && (
        <Table.ScrollContainer minWidth={can('users.manage') ? 1120 : 900} type="native" tabIndex={0}>
          <Table striped data-testid="users-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('auth.username')}</Table.Th>
                <Table.Th>{t('users.name')}</Table.Th>
                <Table.Th>{t('users.roles')}</Table.Th>
                <Table.Th>{t('users.mfa')}</Table.Th>
                <Table.Th>{t('users.locked')}</Table.Th>
                <Table.Th>{t('users.lastLogin')}</Table.Th>
                {can('users.manage') && <Table.Th>{t('users.ssoMode')}</Table.Th>}
                {anyAction && <Table.Th>{t('common.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.users.map((user) => (
                <Table.Tr key={user.id} data-testid={`user-row-${user.username}`}>
                  <Table.Td>{user.username}</Table.Td>
                  <Table.Td>
                    {user.displayNameEn}
                    {user.displayNameZh ? ` ${user.displayNameZh}` : ''}
                    {user.status === 'disabled' && (
                      <Badge ml="xs" color="gray.7" autoContrast>
                        {t('users.disabled')}
                      </Badge>
                    )}
                    {user.accountKind !== 'personal' && (
                      <Badge ml="xs" color="blue.8" autoContrast data-testid="user-account-kind">
                        {t(`privileged.kinds.${user.accountKind}`)}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td data-testid="user-roles">
                    {user.roleIds
                      .map(roleText)
                      .filter(Boolean)
                      .join(i18n.language === 'en' ? ', ' : '、')}
                  </Table.Td>
                  <Table.Td>{user.mfaEnrolled ? t('common.yes') : t('common.no')}</Table.Td>
                  <Table.Td>
                    {isLocked(user) ? t('users.lockedUntil', { time: formatDateTime(user.lockedUntil, i18n.language) }) : t('common.no')}
                  </Table.Td>
                  <Table.Td>{user.lastLoginAt ? formatDateTime(user.lastLoginAt, i18n.language) : t('users.never')}</Table.Td>
                  {can('users.manage') && (
                    <Table.Td>
                      <SsoModeSelect user={user} />
                    </Table.Td>
                  )}
                  {anyAction && (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        {can('users.unlock') && isLocked(user) && (
                          <Button
                            size="compact-sm"
                            variant="default"
                            loading={unlock.isPending && unlock.variables === user.id}
                            onClick={() => unlock.mutate(user.id)}
                            data-testid="user-unlock"
                          >
                            {t('users.unlock')}
                          </Button>
                        )}
                        {can('users.reset_password') && (
                          <Button size="compact-sm" variant="default" onClick={() => setResetting(user)} data-testid="user-reset-password">
                            {t('users.resetPassword')}
                          </Button>
                        )}
                        {can('roles.assign') && can('roles.read') && (
                          <Button size="compact-sm" variant="default" onClick={() => setEditingRoles(user)} data-testid="user-edit-roles">
                            {t('users.editRoles')}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} roles={roleList} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
      <EditRolesModal user={editingRoles} roles={roleList} onClose={() => setEditingRoles(null)} />
    </Stack>
  );
}
