import { useState, type FormEvent } from 'react';
import type { PermissionKey } from '../../../contracts/permissions.js';
import { Badge, Button, Checkbox, Group, Modal, PasswordInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Role, type RoleListView, type SsoMode, type User, type UserListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { formatDateTime } from '../../components/format.js';
import { PasswordRules } from '../../components/ChangePasswordForm.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { DataList } from '../../components/DataList.js';
import { Pager } from '../../components/Pager.js';
import { NO_USER_FILTER, type UserFilter, UsersFilters, userListQuery } from './UsersFilters.js';
import { roleLabel } from '../../components/labels.js';
import type { RoleNameList } from '../../../contracts/labels.js';
import type { z } from 'zod';

const PAGE_SIZE = 25;

/** A column header on one line: a short header must not break inside a word (雙重認/證). */
const oneLine = (text: string) => <span style={{ whiteSpace: 'nowrap' }}>{text}</span>;

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
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<SsoMode>(user.ssoMode);
  const save = useMutation({
    mutationFn: (next: SsoMode) => api.put(`/api/admin/users/${user.id}/sso`, { mode: next }),
    onSuccess: async (_, next) => {
      setMode(next);
      showSuccess(t('users.ssoModeSaved'));
      await queryClient.invalidateQueries({ queryKey: ['admin-users'] });
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
        data-mode={mode}
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
  const [filter, setFilter] = useState<UserFilter>(NO_USER_FILTER);
  const [offset, setOffset] = useState(0);
  // Searched, filtered and paged on the server: a school has hundreds of accounts over the years.
  const users = useQuery({
    queryKey: ['admin-users', 'page', filter, offset],
    queryFn: () => api.get<UserListView>(`/api/admin/users${userListQuery(filter, PAGE_SIZE, offset)}`),
    placeholderData: keepPreviousData,
  });
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
      <UsersFilters
        filter={filter}
        onChange={(next) => {
          setFilter(next);
          setOffset(0);
        }}
        roles={roleList}
      />
      <FormError error={users.error ?? unlock.error} />
      {users.data && (
        <DataList
          testId="users-table"
          minWidth={can('users.manage') ? 1120 : 900}
          rows={users.data.users}
          rowKey={(user) => user.id}
          rowAttributes={(user) => ({ 'data-testid': `user-row-${user.username}` })}
          empty={<Text data-testid="users-none">{t('userSearch.none')}</Text>}
          columns={[
            { key: 'username', header: oneLine(t('auth.username')), card: 'subtitle', nowrap: true, cell: (user) => user.username },
            {
              key: 'name',
              header: oneLine(t('users.name')),
              card: 'title',
              testId: 'user-name',
              cell: (user) => (
                <>
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
                </>
              ),
            },
            {
              key: 'roles',
              header: oneLine(t('users.roles')),
              card: 'field',
              testId: 'user-roles',
              cell: (user) =>
                user.roleIds
                  .map(roleText)
                  .filter(Boolean)
                  .join(i18n.language === 'en' ? ', ' : '、'),
            },
            {
              key: 'mfa',
              header: oneLine(t('users.mfa')),
              card: 'field',
              cell: (user) => (user.mfaEnrolled ? t('common.yes') : t('common.no')),
            },
            {
              key: 'locked',
              header: oneLine(t('users.locked')),
              card: 'field',
              cell: (user) =>
                isLocked(user) ? t('users.lockedUntil', { time: formatDateTime(user.lockedUntil, i18n.language) }) : t('common.no'),
            },
            {
              key: 'lastLogin',
              header: oneLine(t('users.lastLogin')),
              card: 'field',
              cell: (user) => (user.lastLoginAt ? formatDateTime(user.lastLoginAt, i18n.language) : t('users.never')),
            },
            {
              key: 'signIn',
              header: oneLine(t('users.ssoMode')),
              card: 'field',
              testId: 'user-sign-in',
              attributes: (user) => ({ 'data-mode': user.ssoMode }),
              cell: (user) => (can('users.manage') ? <SsoModeSelect user={user} /> : t(`users.ssoModes.${user.ssoMode}`)),
            },
            ...(anyAction
              ? [
                  {
                    key: 'actions',
                    header: oneLine(t('common.actions')),
                    card: 'actions' as const,
                    cell: (user: User) => (
                      <Group gap="xs" wrap="wrap">
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
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {users.data && (
        <Pager
          offset={offset}
          shown={users.data.users.length}
          total={users.data.total}
          pageSize={PAGE_SIZE}
          onChange={setOffset}
          testIdPrefix="users"
        />
      )}
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} roles={roleList} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
      <EditRolesModal user={editingRoles} roles={roleList} onClose={() => setEditingRoles(null)} />
    </Stack>
  );
}
