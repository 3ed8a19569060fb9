import { useState, type FormEvent } from 'react';
import { Alert, Button, Checkbox, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type SecurityEventKey, type SecurityListView, type UserListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { userLabel } from './permissions.js';

const LIST_KEY = ['admin-notification-list'] as const;
export const SECURITY_EVENTS: readonly SecurityEventKey[] = [
  'account_locked',
  'network_refused',
  'privileged_changed',
  'backup_downloaded',
  'school_key_changed',
  'school_key_locked',
  'check_failing',
  'security_finding',
  'break_glass_used',
  'audit_checkpoint',
];
/**
 * What a person or address added to the list hears about at first: every event except the daily
 * audit checkpoint, which is a routine mail that people ask for (it is no alarm, so nobody falls back to it).
 */
const OPT_IN: ReadonlySet<SecurityEventKey> = new Set(['audit_checkpoint']);
const DEFAULT_EVENTS = SECURITY_EVENTS.filter((e) => !OPT_IN.has(e));
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Draft {
  /** A stable key for the row: `u:<id>` or `e:<address>`. */
  key: string;
  userId: string | null;
  email: string | null;
  label: string;
  events: SecurityEventKey[];
}

function toDrafts(view: SecurityListView): Draft[] {
  return view.entries.map((e) => ({
    key: e.userId ? `u:${e.userId}` : `e:${(e.email ?? '').toLowerCase()}`,
    userId: e.userId,
    email: e.userId ? null : e.email,
    label: e.userId ? (e.username ?? e.userId) : (e.email ?? ''),
    events: e.events,
  }));
}

function ListEditor({ view }: { view: SecurityListView }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const canListUsers = hasPermission(me, 'users.read');
  const users = useQuery({ queryKey: ['admin-users'], queryFn: () => api.get<UserListView>('/api/admin/users'), enabled: canListUsers });
  const [drafts, setDrafts] = useState<Draft[]>(() => toDrafts(view));
  const [dirty, setDirty] = useState(false);
  const [personId, setPersonId] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [emailError, setEmailError] = useState<string | null>(null);

  const update = (next: Draft[]) => {
    setDrafts(next);
    setDirty(true);
  };
  const listed = new Set(drafts.map((d) => d.key));
  const personOptions = (users.data?.users ?? [])
    .filter((u) => u.status === 'active' && !listed.has(`u:${u.id}`))
    .map((u) => ({ value: u.id, label: userLabel(u) }));
  const addPerson = () => {
    const user = users.data?.users.find((u) => u.id === personId);
    if (!user) return;
    update([...drafts, { key: `u:${user.id}`, userId: user.id, email: null, label: user.username, events: [...DEFAULT_EVENTS] }]);
    setPersonId(null);
  };
  const addAddress = (event: FormEvent) => {
    event.preventDefault();
    const address = email.trim();
    if (!EMAIL.test(address)) {
      setEmailError(t('notificationList.emailInvalid'));
      return;
    }
    if (listed.has(`e:${address.toLowerCase()}`)) {
      setEmailError(t('notificationList.emailListed'));
      return;
    }
    update([...drafts, { key: `e:${address.toLowerCase()}`, userId: null, email: address, label: address, events: [...DEFAULT_EVENTS] }]);
    setEmail('');
    setEmailError(null);
  };
  const toggle = (key: string, event: SecurityEventKey, on: boolean) =>
    update(
      drafts.map((d) =>
        d.key !== key
          ? d
          : { ...d, events: on ? SECURITY_EVENTS.filter((e) => e === event || d.events.includes(e)) : d.events.filter((e) => e !== event) },
      ),
    );
  const remove = (key: string) => update(drafts.filter((d) => d.key !== key));

  const save = useMutation({
    mutationFn: () =>
      api.put('/api/admin/notification-list', {
        entries: drafts.map((d) => ({ ...(d.userId ? { userId: d.userId } : { email: d.email }), events: d.events })),
      }),
    onSuccess: async () => {
      setDirty(false);
      await queryClient.invalidateQueries({ queryKey: LIST_KEY });
      showSuccess(t('notificationList.saved'));
    },
  });
  const signoff = useMutation({
    mutationFn: () => api.post('/api/admin/notification-list/reviewed'),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: LIST_KEY });
      showSuccess(t('notificationList.signedOff'));
    },
  });
  const empty = drafts.filter((d) => d.events.length === 0);
  const unlisted = DEFAULT_EVENTS.filter((e) => !drafts.some((d) => d.events.includes(e)));

  return (
    <Stack gap="md">
      <Paper withBorder p="sm">
        <Group justify="space-between" align="center">
          <Stack gap={2}>
            <Text size="sm" data-testid="notify-list-reviewed" data-reviewed-at={view.reviewedAt ?? ''}>
              {view.reviewedAt
                ? t('notificationList.reviewedBy', { date: formatDateTime(view.reviewedAt, i18n.language), name: view.reviewedBy ?? '' })
                : t('notificationList.neverReviewed')}
            </Text>
            <Text size="xs">{t('notificationList.signoffExplain')}</Text>
          </Stack>
          <Button
            variant="default"
            disabled={dirty}
            loading={signoff.isPending}
            onClick={() => signoff.mutate()}
            data-testid="notify-list-signoff"
          >
            {t('notificationList.signoff')}
          </Button>
        </Group>
        <FormError error={signoff.error} />
      </Paper>

      <Table.ScrollContainer
        minWidth={260 + SECURITY_EVENTS.length * 120}
        type="native"
        tabIndex={0}
        aria-label={t('notificationList.title')}
      >
        <Table striped data-testid="notify-list-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('notificationList.who')}</Table.Th>
              {SECURITY_EVENTS.map((e) => (
                <Table.Th key={e}>{t(`securityEvents.${e}`)}</Table.Th>
              ))}
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {drafts.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={SECURITY_EVENTS.length + 2}>{t('notificationList.none')}</Table.Td>
              </Table.Tr>
            )}
            {drafts.map((d) => (
              <Table.Tr key={d.key} data-testid="notify-list-entry" data-who={d.label} data-kind={d.userId ? 'person' : 'email'}>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {d.label}
                  </Text>
                  <Text size="xs">{d.userId ? t('notificationList.kindPerson') : t('notificationList.kindEmail')}</Text>
                </Table.Td>
                {SECURITY_EVENTS.map((e) => (
                  <Table.Td key={e}>
                    <Checkbox
                      checked={d.events.includes(e)}
                      onChange={(ev) => toggle(d.key, e, ev.currentTarget.checked)}
                      aria-label={t('notificationList.eventFor', { event: t(`securityEvents.${e}`), name: d.label })}
                      data-testid={`notify-event-${e}`}
                    />
                  </Table.Td>
                ))}
                <Table.Td>
                  <Button
                    size="compact-sm"
                    variant="default"
                    onClick={() => remove(d.key)}
                    aria-label={t('notificationList.removeNamed', { name: d.label })}
                    data-testid="notify-list-remove"
                  >
                    {t('notificationList.remove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      {unlisted.length > 0 && (
        <Alert color="blue" variant="outline" data-testid="notify-list-fallback">
          <Text size="sm">
            {t('notificationList.fallback', {
              events: unlisted.map((e) => t(`securityEvents.${e}`)).join(i18n.language === 'en' ? ', ' : '、'),
            })}
          </Text>
        </Alert>
      )}

      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {canListUsers && (
          <Paper withBorder p="sm">
            <Stack gap="xs">
              <Select
                label={t('notificationList.person')}
                searchable
                clearable
                nothingFoundMessage={t('roles.noPeople')}
                data={personOptions}
                value={personId}
                onChange={setPersonId}
                comboboxProps={{ withinPortal: false }}
                data-testid="notify-list-person"
              />
              <Group>
                <Button variant="default" disabled={!personId} onClick={addPerson} data-testid="notify-list-add-person">
                  {t('notificationList.addPerson')}
                </Button>
              </Group>
            </Stack>
          </Paper>
        )}
        <Paper withBorder p="sm">
          <form onSubmit={addAddress} noValidate>
            <Stack gap="xs">
              <TextInput
                label={t('notificationList.email')}
                description={t('notificationList.emailHint')}
                type="email"
                autoCapitalize="none"
                value={email}
                error={emailError}
                onChange={(e) => {
                  setEmail(e.currentTarget.value);
                  setEmailError(null);
                }}
                data-testid="notify-list-email"
              />
              <Group>
                <Button type="submit" variant="default" disabled={!email.trim()} data-testid="notify-list-add-email">
                  {t('notificationList.addAddress')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      </SimpleGrid>

      {empty.length > 0 && (
        <Text size="sm" c="red.9" data-testid="notify-list-empty-entry">
          {t('notificationList.eventsNeeded')}
        </Text>
      )}
      {dirty && <Text size="sm">{t('notificationList.unsaved')}</Text>}
      <FormError error={save.error ?? users.error} />
      <Group>
        <Button disabled={empty.length > 0} loading={save.isPending} onClick={() => save.mutate()} data-testid="notify-list-save">
          {t('notificationList.save')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Who hears about each security event (memo U1), with a yearly sign-off. */
export function NotificationListPage() {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: LIST_KEY, queryFn: () => api.get<SecurityListView>('/api/admin/notification-list') });
  if (list.isPending) return <PageLoader />;
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('notificationList.title')}
      </Title>
      <Text size="sm">{t('notificationList.explain')}</Text>
      <FormError error={list.error} />
      {list.data && <ListEditor key={JSON.stringify(list.data.entries)} view={list.data} />}
    </Stack>
  );
}
