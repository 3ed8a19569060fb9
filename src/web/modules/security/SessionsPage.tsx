import { Button, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type SessionListView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDateTime } from '../../components/format.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { browserLabel } from '../../components/labels.js';

export function SessionsPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const sessions = useQuery({ queryKey: ['admin-sessions'], queryFn: () => api.get<SessionListView>('/api/admin/sessions') });
  const revoke = useMutation({
    mutationFn: (id: string) => api.del(`/api/admin/sessions/${id}`),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['admin-sessions'] });
      notifications.show({ color: 'green', message: t('sessions.revoked') });
    },
  });
  const canRevoke = hasPermission(me, 'sessions.revoke');
  if (sessions.isPending) return <PageLoader />;
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('sessions.title')}
      </Title>
      <FormError error={sessions.error ?? revoke.error} />
      {sessions.data && (
        <Table.ScrollContainer minWidth={760} type="native" tabIndex={0}>
          <Table striped data-testid="sessions-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('audit.person')}</Table.Th>
                <Table.Th>{t('sessions.started')}</Table.Th>
                <Table.Th>{t('sessions.lastSeen')}</Table.Th>
                <Table.Th>{t('sessions.address')}</Table.Th>
                <Table.Th>{t('sessions.device')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.data.sessions.map((session) => (
                <Table.Tr key={session.id} data-testid={`session-row-${session.username}`}>
                  <Table.Td>
                    {session.displayName} ({session.username})
                  </Table.Td>
                  <Table.Td>{formatDateTime(session.createdAt, i18n.language)}</Table.Td>
                  <Table.Td>{formatDateTime(session.lastSeenAt, i18n.language)}</Table.Td>
                  <Table.Td>{session.ip ?? ''}</Table.Td>
                  <Table.Td data-testid="session-browser">{browserLabel(session.userAgent) ?? t('labels.anotherProgram')}</Table.Td>
                  <Table.Td>
                    {session.current ? (
                      <Text size="sm" fw={700}>
                        {t('sessions.current')}
                      </Text>
                    ) : (
                      canRevoke && (
                        <Button
                          size="compact-sm"
                          variant="default"
                          loading={revoke.isPending && revoke.variables === session.id}
                          onClick={() => revoke.mutate(session.id)}
                          data-testid="session-revoke"
                        >
                          {t('sessions.forceSignOut')}
                        </Button>
                      )
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {sessions.data?.sessions.length === 0 && <Text>{t('sessions.none')}</Text>}
    </Stack>
  );
}
