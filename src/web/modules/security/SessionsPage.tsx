import { Button, Stack, Text, Title } from '@mantine/core';
import { DataList } from '../../components/DataList.js';
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
        <DataList
          testId="sessions-table"
          minWidth={760}
          rows={sessions.data.sessions}
          rowKey={(session) => session.id}
          rowAttributes={(session) => ({ 'data-testid': `session-row-${session.username}` })}
          columns={[
            {
              key: 'person',
              header: t('audit.person'),
              card: 'title',
              cell: (session) => `${session.displayName} (${session.username})`,
            },
            {
              key: 'started',
              header: t('sessions.started'),
              card: 'field',
              cell: (session) => formatDateTime(session.createdAt, i18n.language),
            },
            {
              key: 'lastSeen',
              header: t('sessions.lastSeen'),
              card: 'field',
              cell: (session) => formatDateTime(session.lastSeenAt, i18n.language),
            },
            { key: 'address', header: t('sessions.address'), card: 'field', cell: (session) => session.ip ?? '' },
            {
              key: 'device',
              header: t('sessions.device'),
              card: 'subtitle',
              testId: 'session-browser',
              cell: (session) => browserLabel(session.userAgent) ?? t('labels.anotherProgram'),
            },
            {
              key: 'actions',
              header: t('common.actions'),
              card: 'actions',
              cell: (session) =>
                session.current ? (
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
                ),
            },
          ]}
        />
      )}
      {sessions.data?.sessions.length === 0 && <Text>{t('sessions.none')}</Text>}
    </Stack>
  );
}
