import { useState, type ReactNode } from 'react';
import type { z } from 'zod';
import { Alert, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ContactsBody } from '../../../contracts/particulars.js';
import { api, ApiError } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { PageLoader } from '../../components/session.js';
import { ContactsForm, type Contacts } from './ContactsForm.js';

const contactsQuery = (studentId: string) => ({
  queryKey: ['students', 'contacts', studentId],
  queryFn: () => api.get<Contacts>(`/api/students/${studentId}/contacts`),
});

function Line({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {children === null || children === '' ? '—' : children}
      </Text>
    </div>
  );
}

/** A phone as a link to call, when shown in full (a masked one is text). */
function PhoneText({ phone, masked }: { phone: string | null; masked: boolean }) {
  if (!phone) return <>—</>;
  return masked ? <>{phone}</> : <a href={`tel:${phone.replace(/\s/g, '')}`}>{phone}</a>;
}

function EditContactsModal({
  studentId,
  contacts,
  opened,
  onClose,
  onReload,
}: {
  studentId: string;
  contacts: Contacts;
  opened: boolean;
  onClose: () => void;
  onReload: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: z.input<typeof ContactsBody>) => api.put(`/api/students/${studentId}/contacts`, body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['students'] });
      showSuccess(t('common.saved'));
      close();
    },
  });
  const close = () => {
    save.reset();
    onClose();
  };
  const conflict = save.error instanceof ApiError && save.error.code === 'version_conflict';
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={close} title={t('particulars.edit')} size="lg">
      {/* Keyed by version: after a reload the form starts again from the other person's changes. */}
      <ContactsForm
        key={contacts.version}
        initial={contacts}
        pending={save.isPending}
        error={save.error}
        onSubmit={(body) => save.mutate(body)}
      />
      {conflict && (
        <Button mt="sm" variant="default" onClick={() => void onReload().then(() => save.reset())} data-testid="contacts-reload">
          {t('common.reload')}
        </Button>
      )}
    </Modal>
  );
}

/**
 * The student's home address, phones and guardians. Shown masked (with a note) to someone without
 * the contacts right for this student; editing is offered only to whoever may manage students and sees them in full.
 */
export function ContactsSection({ studentId, canManage }: { studentId: string; canManage: boolean }) {
  const { t } = useTranslation();
  const contacts = useQuery(contactsQuery(studentId));
  const [editing, setEditing] = useState(false);
  if (contacts.isPending) return <PageLoader />;
  if (contacts.isError) return <FormError error={contacts.error} testId="contacts-error" />;
  const c = contacts.data;
  const district = c.district ? t(`particulars.districts.${c.district}`) : null;
  return (
    <Stack gap="sm" data-testid="student-contacts" data-masked={c.masked ? 'true' : 'false'}>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('particulars.title')}
        </Title>
        {canManage && !c.masked && (
          <Button variant="default" onClick={() => setEditing(true)} data-testid="contacts-edit">
            {t('particulars.edit')}
          </Button>
        )}
      </Group>
      {c.masked && (
        <Alert variant="light" color="gray" data-testid="contacts-masked-note">
          {t('particulars.maskedNote')}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
        <Line label={t('particulars.fields.addressZh')} testId="contacts-address-zh">
          {c.addressZh}
        </Line>
        <Line label={t('particulars.fields.addressEn')} testId="contacts-address-en">
          {c.addressEn}
        </Line>
        <Line label={t('particulars.fields.district')} testId="contacts-district-shown">
          {district}
        </Line>
        <Line label={t('particulars.fields.homePhone')} testId="contacts-home-phone">
          <PhoneText phone={c.homePhone} masked={c.masked} />
        </Line>
        <Line label={t('particulars.fields.studentMobile')} testId="contacts-mobile-phone">
          <PhoneText phone={c.mobilePhone} masked={c.masked} />
        </Line>
      </SimpleGrid>
      <Title order={3} size="h4">
        {t('particulars.guardians')}
      </Title>
      {c.guardians.length === 0 && <Text data-testid="guardians-empty">{t('particulars.noGuardians')}</Text>}
      {c.guardians.length > 0 && !c.guardians.some((g) => g.emergencyContact) && (
        <Text size="sm" c="orange" data-testid="guardians-no-emergency">
          {t('particulars.noEmergencyContact')}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {c.guardians.map((g, i) => (
          <Card withBorder key={i} data-testid={`guardian-${i}`}>
            <Stack gap={6}>
              <Group justify="space-between" gap="xs">
                <Text fw={700} data-testid={`guardian-${i}-name`}>
                  {[g.nameZh, g.nameEn].filter(Boolean).join(' ')}
                </Text>
                <Group gap={4}>
                  <Badge variant="light">{t(`particulars.relationships.${g.relationship}`)}</Badge>
                  {g.emergencyContact && (
                    <Badge color="red" variant="light" data-testid={`guardian-${i}-emergency-badge`}>
                      {t('particulars.emergencyContact')}
                    </Badge>
                  )}
                </Group>
              </Group>
              <Line label={t('particulars.fields.mobilePhone')} testId={`guardian-${i}-mobile`}>
                <PhoneText phone={g.mobilePhone} masked={c.masked} />
              </Line>
              {g.otherPhone && (
                <Line label={t('particulars.fields.otherPhone')}>
                  <PhoneText phone={g.otherPhone} masked={c.masked} />
                </Line>
              )}
              {g.email && <Line label={t('particulars.fields.email')}>{g.email}</Line>}
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      <EditContactsModal
        studentId={studentId}
        contacts={c}
        opened={editing}
        onClose={() => setEditing(false)}
        onReload={() => contacts.refetch()}
      />
    </Stack>
  );
}
