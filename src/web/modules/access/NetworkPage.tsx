import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, type NetworkPolicyView, type NetworkRuleView, type Role, type RoleListView, type TimeProfile } from '../../api.js';
import { NameFields } from '../../components/NameFields.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';
import { PageLoader } from '../../components/session.js';
import { roleName } from './permissions.js';

const NETWORK_KEY = ['admin-network'] as const;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
/** The Internet: everywhere that is not in a zone. */
const INTERNET = 'internet';
const LOCKOUT = { network_self_lockout: 'network.selfLockout' } as const;

const named = (item: { nameZh: string; nameEn: string }, language: string) => (language === 'en' ? item.nameEn : item.nameZh);

/** "07:30" → 450; "00:00" as an end means midnight at the end of the day (1440). */
function toMinutes(value: string, end: boolean): number | null {
  const match = /^(\d{1,2}):(\d{2})/.exec(value);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return end && minutes === 0 ? 1440 : minutes;
}
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

function profileSummary(t: TFunction, profile: TimeProfile): string {
  const days = [...profile.weekdays]
    .sort()
    .map((d) => t(`network.weekdays.${d}`))
    .join(' ');
  const summary = t('network.profileSummary', {
    days,
    from: hhmm(profile.startMinute),
    to: profile.endMinute === 1440 ? '24:00' : hhmm(profile.endMinute),
  });
  return profile.onHolidays === 'closed' ? `${summary}; ${t('network.holidayModes.closed')}` : summary;
}

function useRefresh() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: NETWORK_KEY });
}

function ZoneModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh();
  const [nameZh, setNameZh] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [cidrs, setCidrs] = useState('');
  const lines = cidrs
    .split(/[\n,]+/)
    .map((l) => l.trim())
    .filter(Boolean);
  const add = useMutation({
    mutationFn: () => api.post('/api/admin/network/zones', { nameZh: nameZh.trim(), nameEn: nameEn.trim(), cidrs: lines }),
    onSuccess: async () => {
      await refresh();
      showSuccess(t('network.zoneAdded'));
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened onClose={onClose} title={t('network.zoneNewTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <NameFields labels="network" testId="zone-form" nameZh={nameZh} nameEn={nameEn} onNameZh={setNameZh} onNameEn={setNameEn} />
          <Textarea
            label={t('network.cidrsLabel')}
            description={t('network.cidrsHint')}
            required
            autosize
            minRows={3}
            autoCapitalize="none"
            spellCheck={false}
            value={cidrs}
            onChange={(e) => setCidrs(e.currentTarget.value)}
            data-testid="zone-form-cidrs"
          />
          <FormError error={add.error} />
          <Button
            type="submit"
            disabled={!nameZh.trim() || !nameEn.trim() || lines.length === 0}
            loading={add.isPending}
            data-testid="zone-form-submit"
          >
            {t('network.zoneSubmit')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function ProfileModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh();
  const [nameZh, setNameZh] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [weekdays, setWeekdays] = useState<string[]>(['1', '2', '3', '4', '5']);
  const [from, setFrom] = useState('07:00');
  const [to, setTo] = useState('19:00');
  const [onHolidays, setOnHolidays] = useState<'as_usual' | 'closed'>('as_usual');
  const startMinute = toMinutes(from, false);
  const endMinute = toMinutes(to, true);
  const add = useMutation({
    mutationFn: () =>
      api.post('/api/admin/network/profiles', {
        nameZh: nameZh.trim(),
        nameEn: nameEn.trim(),
        weekdays: weekdays.map(Number).sort(),
        startMinute,
        endMinute,
        onHolidays,
      }),
    onSuccess: async () => {
      await refresh();
      showSuccess(t('network.profileAdded'));
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  const ready = nameZh.trim() && nameEn.trim() && weekdays.length > 0 && startMinute !== null && endMinute !== null;
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened onClose={onClose} title={t('network.profileNewTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <NameFields labels="network" testId="profile-form" nameZh={nameZh} nameEn={nameEn} onNameZh={setNameZh} onNameEn={setNameEn} />
          <Checkbox.Group label={t('network.days')} required value={weekdays} onChange={setWeekdays}>
            <Group gap="sm" mt="xs">
              {WEEKDAYS.map((d) => (
                <Checkbox key={d} value={String(d)} label={t(`network.weekdays.${d}`)} data-testid={`profile-form-day-${d}`} />
              ))}
            </Group>
          </Checkbox.Group>
          <SimpleGrid cols={2}>
            <TextInput
              label={t('network.from')}
              type="time"
              required
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
              data-testid="profile-form-from"
            />
            <TextInput
              label={t('network.to')}
              description={t('network.toHint')}
              type="time"
              required
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
              data-testid="profile-form-to"
            />
          </SimpleGrid>
          <Text size="xs">{t('network.hongKongTime')}</Text>
          <Select
            label={t('network.onHolidays')}
            allowDeselect={false}
            data={(['as_usual', 'closed'] as const).map((v) => ({ value: v, label: t(`network.holidayModes.${v}`) }))}
            value={onHolidays}
            onChange={(value) => value && setOnHolidays(value === 'closed' ? 'closed' : 'as_usual')}
            comboboxProps={{ withinPortal: false }}
            data-testid="profile-form-holidays"
          />
          <FormError error={add.error} />
          <Button type="submit" disabled={!ready} loading={add.isPending} data-testid="profile-form-submit">
            {t('network.profileSubmit')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

type Cells = Record<string, { timeProfileId: string | null }>;
const cellKey = (roleId: string, zoneId: string | null) => `${roleId}|${zoneId ?? INTERNET}`;

function toCells(rules: NetworkRuleView[]): Cells {
  const cells: Cells = {};
  for (const rule of rules) {
    const key = cellKey(rule.roleId, rule.zoneId);
    // One rule per role and zone in this grid; the first one wins.
    if (!cells[key]) cells[key] = { timeProfileId: rule.timeProfileId };
  }
  return cells;
}

function RulesGrid({ network, roles, onSaved }: { network: NetworkPolicyView; roles: Role[]; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const refresh = useRefresh();
  const [cells, setCells] = useState<Cells>(() => toCells(network.rules));
  const columns: { id: string | null; label: string }[] = [
    ...network.zones.map((z) => ({ id: z.id, label: named(z, i18n.language) })),
    { id: null, label: t('network.internet') },
  ];
  const save = useMutation({
    mutationFn: () =>
      api.put('/api/admin/network/rules', {
        rules: Object.entries(cells).map(([key, cell]) => {
          const [roleId = '', zone = INTERNET] = key.split('|');
          return { roleId, zoneId: zone === INTERNET ? null : zone, timeProfileId: cell.timeProfileId };
        }),
      }),
    onSuccess: async () => {
      onSaved();
      await refresh();
      showSuccess(t('network.rulesSaved'));
    },
  });
  const toggle = (roleId: string, zoneId: string | null, on: boolean) => {
    const next = { ...cells };
    if (on) next[cellKey(roleId, zoneId)] = { timeProfileId: null };
    else delete next[cellKey(roleId, zoneId)];
    setCells(next);
  };
  const setProfile = (roleId: string, profileId: string | null) =>
    setCells({ ...cells, [cellKey(roleId, null)]: { timeProfileId: profileId } });
  const profileOptions = [
    { value: '', label: t('network.anyTime') },
    ...network.profiles.map((p) => ({ value: p.id, label: named(p, i18n.language) })),
  ];

  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        {t('network.rulesTitle')}
      </Title>
      <Text size="sm">{t('network.rulesExplain')}</Text>
      <Table.ScrollContainer minWidth={360 + columns.length * 140} type="native" tabIndex={0} aria-label={t('network.rulesTitle')}>
        <Table striped data-testid="rules-grid">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('network.role')}</Table.Th>
              {columns.map((c) => (
                <Table.Th key={c.id ?? INTERNET}>
                  {c.label}
                  {c.id === null && (
                    <Text size="xs" fw={400}>
                      {t('network.internetHint')}
                    </Text>
                  )}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {roles.map((role) => (
              <Table.Tr key={role.id} data-testid="rule-row" data-role-key={role.key ?? ''} data-role-name={role.nameEn}>
                <Table.Td>{roleName(role, i18n.language)}</Table.Td>
                {columns.map((c) => {
                  const cell = cells[cellKey(role.id, c.id)];
                  const where = c.id ?? INTERNET;
                  return (
                    <Table.Td key={where}>
                      <Stack gap={4}>
                        <Checkbox
                          checked={!!cell}
                          onChange={(e) => toggle(role.id, c.id, e.currentTarget.checked)}
                          aria-label={t('network.allowIn', { role: roleName(role, i18n.language), zone: c.label })}
                          data-testid={`rule-${role.key ?? role.id}-${c.id === null ? INTERNET : c.id}`}
                        />
                        {c.id === null && cell && (
                          <Select
                            size="xs"
                            aria-label={t('network.timesFor', { role: roleName(role, i18n.language) })}
                            allowDeselect={false}
                            data={profileOptions}
                            value={cell.timeProfileId ?? ''}
                            onChange={(value) => setProfile(role.id, value ? value : null)}
                            comboboxProps={{ withinPortal: false }}
                            data-testid={`rule-time-${role.key ?? role.id}`}
                          />
                        )}
                      </Stack>
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <FormError error={save.error} messages={LOCKOUT} testId="rules-error" />
      <Group>
        <Button loading={save.isPending} onClick={() => save.mutate()} data-testid="rules-save">
          {t('network.rulesSave')}
        </Button>
      </Group>
    </Stack>
  );
}

type HolidayRow = { key: number; day: string; nameZh: string; nameEn: string };

/** The school holidays: time profiles "closed on school holidays" refuse sign-in on these days. */
function HolidaysEditor({ network }: { network: NetworkPolicyView }) {
  const { t } = useTranslation();
  const refresh = useRefresh();
  const [rows, setRows] = useState<HolidayRow[]>(() => network.holidays.map((h, i) => ({ key: i, ...h })));
  const [nextKey, setNextKey] = useState(network.holidays.length);
  const save = useMutation({
    mutationFn: () =>
      api.put('/api/admin/network/holidays', {
        holidays: rows
          .map((r) => ({ day: r.day, nameZh: r.nameZh.trim(), nameEn: r.nameEn.trim() }))
          .sort((a, b) => a.day.localeCompare(b.day)),
      }),
    onSuccess: async () => {
      await refresh();
      showSuccess(t('network.holidaysSaved'));
    },
  });
  const update = (key: number, change: Partial<HolidayRow>) => setRows(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const add = () => {
    setRows([...rows, { key: nextKey, day: '', nameZh: '', nameEn: '' }]);
    setNextKey(nextKey + 1);
  };
  const ready = rows.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.day) && r.nameZh.trim() && r.nameEn.trim());
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('network.holidaysTitle')}
        </Title>
        <Button variant="default" onClick={add} data-testid="holiday-add">
          {t('network.holidayAdd')}
        </Button>
      </Group>
      <Text size="sm">{t('network.holidaysExplain')}</Text>
      <Table.ScrollContainer minWidth={560} type="native" tabIndex={0} aria-label={t('network.holidaysTitle')}>
        <Table striped data-testid="holidays-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('network.holidayDay')}</Table.Th>
              <Table.Th>{t('network.nameZh')}</Table.Th>
              <Table.Th>{t('network.nameEn')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={4}>{t('network.noHolidays')}</Table.Td>
              </Table.Tr>
            )}
            {rows.map((row, index) => (
              <Table.Tr key={row.key} data-testid="holiday-row" data-day={row.day}>
                <Table.Td>
                  <DateField
                    size="xs"
                    aria-label={t('network.holidayDayFor', { n: index + 1 })}
                    value={row.day}
                    onChange={(value) => update(row.key, { day: value })}
                    data-testid="holiday-day"
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    size="xs"
                    aria-label={t('network.holidayNameZhFor', { n: index + 1 })}
                    maxLength={60}
                    value={row.nameZh}
                    onChange={(e) => update(row.key, { nameZh: e.currentTarget.value })}
                    data-testid="holiday-name-zh"
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    size="xs"
                    aria-label={t('network.holidayNameEnFor', { n: index + 1 })}
                    maxLength={60}
                    value={row.nameEn}
                    onChange={(e) => update(row.key, { nameEn: e.currentTarget.value })}
                    data-testid="holiday-name-en"
                  />
                </Table.Td>
                <Table.Td>
                  <Button
                    size="compact-sm"
                    variant="outline"
                    color="red.9"
                    onClick={() => setRows(rows.filter((r) => r.key !== row.key))}
                    aria-label={t('network.holidayRemoveFor', { n: index + 1 })}
                    data-testid="holiday-remove"
                  >
                    {t('network.holidayRemove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <FormError error={save.error} testId="holidays-error" />
      <Group>
        <Button disabled={!ready} loading={save.isPending} onClick={() => save.mutate()} data-testid="holidays-save">
          {t('network.holidaysSave')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Where and when each role may sign in (memo U2): zones, time profiles and the rules between them. */
export function NetworkPage() {
  const { t, i18n } = useTranslation();
  const refresh = useRefresh();
  const network = useQuery({ queryKey: NETWORK_KEY, queryFn: () => api.get<NetworkPolicyView>('/api/admin/network') });
  const roles = useQuery({ queryKey: ['admin-roles'], queryFn: () => api.get<RoleListView>('/api/admin/roles') });
  const [addingZone, setAddingZone] = useState(false);
  const [addingProfile, setAddingProfile] = useState(false);
  const settings = useMutation({
    mutationFn: (enabled: boolean) => api.put('/api/admin/network/settings', { enabled }),
    onSuccess: async (_, enabled) => {
      await refresh();
      showSuccess(t(enabled ? 'network.switchedOn' : 'network.switchedOff'));
    },
  });
  const removeZone = useMutation({
    mutationFn: (id: string) => api.del(`/api/admin/network/zones/${id}`),
    onSuccess: async () => {
      await refresh();
      showSuccess(t('network.zoneDeleted'));
    },
  });
  const reviewed = useMutation({
    mutationFn: () => api.post('/api/admin/network/reviewed'),
    onSuccess: async () => {
      await refresh();
      showSuccess(t('network.reviewedDone'));
    },
  });

  if (network.isPending || roles.isPending) return <PageLoader />;
  if (!network.data) return <FormError error={network.error} />;
  const data = network.data;

  return (
    <Stack gap="lg" data-testid="network-page" data-enabled={data.enabled}>
      <Stack gap="sm">
        <Title order={1} size="h2">
          {t('network.title')}
        </Title>
        <Text size="sm">{t('network.explain')}</Text>
      </Stack>

      <Paper withBorder p="sm">
        <Stack gap="xs">
          <Switch
            label={t('network.enabled')}
            description={t('network.enabledHint')}
            checked={data.enabled}
            disabled={settings.isPending}
            onChange={(e) => settings.mutate(e.currentTarget.checked)}
            data-testid="network-enabled"
          />
          <FormError error={settings.error} messages={LOCKOUT} testId="network-enabled-error" />
        </Stack>
      </Paper>

      <Paper withBorder p="sm">
        <Group justify="space-between" align="center">
          <Stack gap={2}>
            <Text size="sm" fw={600}>
              {t('network.reviewTitle')}
            </Text>
            <Text size="sm" data-testid="network-reviewed-at" data-reviewed-at={data.reviewedAt ?? ''}>
              {data.reviewedAt
                ? t('network.reviewedAt', { date: formatDateTime(data.reviewedAt, i18n.language) })
                : t('network.neverReviewed')}
            </Text>
            <Text size="xs">{t('network.reviewExplain')}</Text>
          </Stack>
          <Button variant="default" loading={reviewed.isPending} onClick={() => reviewed.mutate()} data-testid="network-reviewed">
            {t('network.markReviewed')}
          </Button>
        </Group>
        <FormError error={reviewed.error} />
      </Paper>

      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h3">
            {t('network.zonesTitle')}
          </Title>
          <Button variant="default" onClick={() => setAddingZone(true)} data-testid="zone-new">
            {t('network.zoneNew')}
          </Button>
        </Group>
        <Text size="sm">{t('network.zonesExplain')}</Text>
        <FormError error={removeZone.error} messages={LOCKOUT} />
        <Table.ScrollContainer minWidth={480} type="native" tabIndex={0} aria-label={t('network.zonesTitle')}>
          <Table striped data-testid="zones-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('network.name')}</Table.Th>
                <Table.Th>{t('network.cidrs')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.zones.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={3}>{t('network.noZones')}</Table.Td>
                </Table.Tr>
              )}
              {data.zones.map((zone) => (
                <Table.Tr key={zone.id} data-testid="zone-row" data-zone-name={zone.nameEn}>
                  <Table.Td>{named(zone, i18n.language)}</Table.Td>
                  <Table.Td>
                    {zone.cidrs.map((c) => (
                      <Text key={c} size="sm" ff="monospace">
                        {c}
                      </Text>
                    ))}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="outline"
                      color="red.9"
                      loading={removeZone.isPending && removeZone.variables === zone.id}
                      onClick={() => removeZone.mutate(zone.id)}
                      aria-label={t('network.zoneDeleteNamed', { name: named(zone, i18n.language) })}
                      data-testid="zone-delete"
                    >
                      {t('network.zoneDelete')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>

      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h3">
            {t('network.profilesTitle')}
          </Title>
          <Button variant="default" onClick={() => setAddingProfile(true)} data-testid="profile-new">
            {t('network.profileNew')}
          </Button>
        </Group>
        <Text size="sm">{t('network.profilesExplain')}</Text>
        <Table.ScrollContainer minWidth={420} type="native" tabIndex={0} aria-label={t('network.profilesTitle')}>
          <Table striped data-testid="profiles-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('network.name')}</Table.Th>
                <Table.Th>{t('network.when')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.profiles.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={2}>{t('network.noProfiles')}</Table.Td>
                </Table.Tr>
              )}
              {data.profiles.map((profile) => (
                <Table.Tr key={profile.id} data-testid="profile-row" data-profile-name={profile.nameEn}>
                  <Table.Td>{named(profile, i18n.language)}</Table.Td>
                  <Table.Td>{profileSummary(t, profile)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>

      <HolidaysEditor key={JSON.stringify(data.holidays)} network={data} />

      {!data.enabled && (
        <Alert color="blue" variant="outline">
          <Text size="sm">{t('network.offNote')}</Text>
        </Alert>
      )}
      <FormError error={roles.error} />
      {roles.data && (
        <RulesGrid
          key={JSON.stringify([data.rules, data.zones.map((z) => z.id)])}
          network={data}
          roles={roles.data.roles}
          onSaved={() => settings.reset()}
        />
      )}

      {addingZone && <ZoneModal onClose={() => setAddingZone(false)} />}
      {addingProfile && <ProfileModal onClose={() => setAddingProfile(false)} />}
    </Stack>
  );
}
