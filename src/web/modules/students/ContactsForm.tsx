import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { Button, Checkbox, Fieldset, Group, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  DISTRICTS,
  MAX_GUARDIANS,
  RELATIONSHIPS,
  type ContactsBody,
  type ContactsView,
  type District,
  type Relationship,
} from '../../../contracts/particulars.js';
import { FormError } from '../../components/FormError.js';
import { optional } from '../school/shared.js';

export type Contacts = z.infer<typeof ContactsView>;
type RelationshipKey = z.infer<typeof Relationship>;
type DistrictKey = z.infer<typeof District>;

/** One guardian as typed. */
interface GuardianDraft {
  nameZh: string;
  nameEn: string;
  relationship: RelationshipKey | null;
  mobilePhone: string;
  otherPhone: string;
  email: string;
  emergencyContact: boolean;
}

/** The form as typed: every field text, turned into the request body on submit. */
interface ContactsDraft {
  addressZh: string;
  addressEn: string;
  district: DistrictKey | null;
  homePhone: string;
  mobilePhone: string;
  guardians: GuardianDraft[];
}

const EMPTY_GUARDIAN: GuardianDraft = {
  nameZh: '',
  nameEn: '',
  relationship: null,
  mobilePhone: '',
  otherPhone: '',
  email: '',
  emergencyContact: false,
};

/** Only ever called with values in full: the edit button is not offered when they are masked. */
const draftFrom = (c: Contacts): ContactsDraft => ({
  addressZh: c.addressZh ?? '',
  addressEn: c.addressEn ?? '',
  district: c.district,
  homePhone: c.homePhone ?? '',
  mobilePhone: c.mobilePhone ?? '',
  guardians: c.guardians.map((g) => ({
    nameZh: g.nameZh ?? '',
    nameEn: g.nameEn ?? '',
    relationship: g.relationship,
    mobilePhone: g.mobilePhone ?? '',
    otherPhone: g.otherPhone ?? '',
    email: g.email ?? '',
    emergencyContact: g.emergencyContact,
  })),
});

/** The body; a guardian with no relationship chosen is sent as is, and the server names the field. */
function bodyFrom(d: ContactsDraft, version: number): z.input<typeof ContactsBody> {
  return {
    addressZh: optional(d.addressZh),
    addressEn: optional(d.addressEn),
    district: d.district ?? undefined,
    homePhone: optional(d.homePhone),
    mobilePhone: optional(d.mobilePhone),
    guardians: d.guardians.map((g) => ({
      nameZh: optional(g.nameZh),
      nameEn: optional(g.nameEn),
      // Left unchosen, the server answers with the field's problem (a translated message), like any other.
      relationship: (g.relationship ?? '') as RelationshipKey,
      mobilePhone: optional(g.mobilePhone),
      otherPhone: optional(g.otherPhone),
      email: optional(g.email),
      emergencyContact: g.emergencyContact,
    })),
    version,
  };
}

/** The words for a field a problem names: `body/guardians/1/mobilePhone` → "Guardian 2: Mobile phone". */
export function useContactsFieldLabel() {
  const { t } = useTranslation();
  return (path: string): string | undefined => {
    const m = /^(?:body)?\/?(?:guardians\/(\d+)\/?)?([A-Za-z]*)$/.exec(path);
    if (!m) return undefined;
    const [, index, field = ''] = m;
    if (index === undefined) return field ? t(`particulars.fields.${field}`, { defaultValue: '' }) || undefined : undefined;
    const label = field ? t(`particulars.fields.${field}`, { defaultValue: '' }) : '';
    const guardian = t('particulars.guardianN', { n: Number(index) + 1 });
    return label ? `${guardian}: ${label}` : guardian;
  };
}

export function ContactsForm({
  initial,
  pending,
  error,
  onSubmit,
}: {
  initial: Contacts;
  pending: boolean;
  error: unknown;
  onSubmit: (body: z.input<typeof ContactsBody>) => void;
}) {
  const { t } = useTranslation();
  const fieldLabel = useContactsFieldLabel();
  const [draft, setDraft] = useState<ContactsDraft>(() => draftFrom(initial));
  const set = <K extends keyof ContactsDraft>(key: K, value: ContactsDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setGuardian = (index: number, change: Partial<GuardianDraft>) =>
    setDraft((d) => ({
      ...d,
      guardians: d.guardians.map((g, i) => {
        if (i === index) return { ...g, ...change };
        // One emergency contact: marking one unmarks the others.
        return change.emergencyContact ? { ...g, emergencyContact: false } : g;
      }),
    }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(bodyFrom(draft, initial.version));
  };
  const phoneHint = t('particulars.phoneHint');
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Fieldset legend={t('particulars.home')}>
          <Stack gap="sm">
            <Textarea
              label={t('particulars.fields.addressZh')}
              autosize
              minRows={2}
              value={draft.addressZh}
              onChange={(e) => set('addressZh', e.currentTarget.value)}
              data-testid="contacts-addressZh"
            />
            <Textarea
              label={t('particulars.fields.addressEn')}
              autosize
              minRows={2}
              value={draft.addressEn}
              onChange={(e) => set('addressEn', e.currentTarget.value)}
              data-testid="contacts-addressEn"
            />
            <SimpleGrid cols={{ base: 1, xs: 3 }}>
              <Select
                label={t('particulars.fields.district')}
                clearable
                searchable
                data={DISTRICTS.map((d) => ({ value: d, label: t(`particulars.districts.${d}`) }))}
                value={draft.district}
                onChange={(v) => set('district', DISTRICTS.find((d) => d === v) ?? null)}
                data-testid="contacts-district"
              />
              <TextInput
                label={t('particulars.fields.homePhone')}
                description={phoneHint}
                type="tel"
                inputMode="tel"
                autoComplete="off"
                value={draft.homePhone}
                onChange={(e) => set('homePhone', e.currentTarget.value)}
                data-testid="contacts-homePhone"
              />
              <TextInput
                label={t('particulars.fields.studentMobile')}
                description={phoneHint}
                type="tel"
                inputMode="tel"
                autoComplete="off"
                value={draft.mobilePhone}
                onChange={(e) => set('mobilePhone', e.currentTarget.value)}
                data-testid="contacts-mobilePhone"
              />
            </SimpleGrid>
          </Stack>
        </Fieldset>
        {draft.guardians.map((g, i) => (
          <Fieldset key={i} legend={t('particulars.guardianN', { n: i + 1 })} data-testid={`guardian-form-${i}`}>
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, xs: 2 }}>
                <TextInput
                  label={t('particulars.fields.nameZh')}
                  value={g.nameZh}
                  onChange={(e) => setGuardian(i, { nameZh: e.currentTarget.value })}
                  data-testid={`guardian-${i}-nameZh`}
                />
                <TextInput
                  label={t('particulars.fields.nameEn')}
                  value={g.nameEn}
                  onChange={(e) => setGuardian(i, { nameEn: e.currentTarget.value })}
                  data-testid={`guardian-${i}-nameEn`}
                />
                <Select
                  label={t('particulars.fields.relationship')}
                  required
                  allowDeselect={false}
                  data={RELATIONSHIPS.map((r) => ({ value: r, label: t(`particulars.relationships.${r}`) }))}
                  value={g.relationship}
                  onChange={(v) => setGuardian(i, { relationship: RELATIONSHIPS.find((r) => r === v) ?? null })}
                  data-testid={`guardian-${i}-relationship`}
                />
                <TextInput
                  label={t('particulars.fields.email')}
                  type="email"
                  autoComplete="off"
                  value={g.email}
                  onChange={(e) => setGuardian(i, { email: e.currentTarget.value })}
                  data-testid={`guardian-${i}-email`}
                />
                <TextInput
                  label={t('particulars.fields.mobilePhone')}
                  description={phoneHint}
                  type="tel"
                  inputMode="tel"
                  autoComplete="off"
                  value={g.mobilePhone}
                  onChange={(e) => setGuardian(i, { mobilePhone: e.currentTarget.value })}
                  data-testid={`guardian-${i}-mobilePhone`}
                />
                <TextInput
                  label={t('particulars.fields.otherPhone')}
                  description={phoneHint}
                  type="tel"
                  inputMode="tel"
                  autoComplete="off"
                  value={g.otherPhone}
                  onChange={(e) => setGuardian(i, { otherPhone: e.currentTarget.value })}
                  data-testid={`guardian-${i}-otherPhone`}
                />
              </SimpleGrid>
              <Group justify="space-between">
                <Checkbox
                  label={t('particulars.fields.emergencyContact')}
                  checked={g.emergencyContact}
                  onChange={(e) => setGuardian(i, { emergencyContact: e.currentTarget.checked })}
                  data-testid={`guardian-${i}-emergency`}
                />
                <Button
                  variant="subtle"
                  color="red"
                  size="compact-sm"
                  onClick={() =>
                    set(
                      'guardians',
                      draft.guardians.filter((_, j) => j !== i),
                    )
                  }
                  data-testid={`guardian-${i}-remove`}
                >
                  {t('particulars.removeGuardian')}
                </Button>
              </Group>
            </Stack>
          </Fieldset>
        ))}
        {draft.guardians.length < MAX_GUARDIANS && (
          <Button
            variant="default"
            onClick={() => set('guardians', [...draft.guardians, { ...EMPTY_GUARDIAN, emergencyContact: draft.guardians.length === 0 }])}
            data-testid="guardian-add"
          >
            {t('particulars.addGuardian')}
          </Button>
        )}
        <FormError error={error} messages={{ version_conflict: 'particulars.versionConflict' }} fieldLabel={fieldLabel} />
        <Button type="submit" loading={pending} data-testid="contacts-submit">
          {t('common.save')}
        </Button>
      </Stack>
    </form>
  );
}
