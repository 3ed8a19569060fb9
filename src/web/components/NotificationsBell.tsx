import { Badge, Button, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, type Notification, type NotificationListView } from '../api.js';
import { formatDateTime, withHongKongDates } from './format.js';
import { notificationParams } from './labels.js';

export function NotificationsBell() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data } = useQuery({
    queryKey: ['notifications'],
    queryFn: () => api.get<NotificationListView>('/api/notifications'),
    refetchInterval: 60_000,
  });
  const markRead = useMutation({
    mutationFn: (id: string) => api.post(`/api/notifications/${id}/read`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const unread = data?.unread ?? 0;
  const open = (notification: Notification) => {
    if (!notification.readAt) markRead.mutate(notification.id);
    if (notification.link?.startsWith('/')) void navigate(notification.link);
  };

  return (
    <Popover width={320} position="bottom-end" withArrow shadow="md">
      <Popover.Target>
        <Button
          size="compact-sm"
          variant="default"
          data-testid="notifications-bell"
          aria-label={t('notifications.bellLabel', { count: unread })}
          rightSection={
            unread > 0 ? (
              <Badge size="sm" color="red.9" data-testid="notifications-unread">
                {unread}
              </Badge>
            ) : null
          }
        >
          <svg
            aria-hidden="true"
            width="16"
            height="16"
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
            strokeLinejoin="round"
          >
            <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
            <path d="M13.73 21a2 2 0 0 1-3.46 0" />
          </svg>
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" data-testid="notifications-list">
          {(data?.notifications ?? []).length === 0 && <Text size="sm">{t('notifications.none')}</Text>}
          {(data?.notifications ?? []).map((notification) => (
            <UnstyledButton key={notification.id} onClick={() => open(notification)} data-testid="notification">
              <Text size="sm" fw={notification.readAt ? 400 : 700}>
                {t(`notifications.${notification.titleKey.replace(/^notifications\./, '')}`, {
                  ...notificationParams(t, withHongKongDates(notification.params, i18n.language)),
                  defaultValue: t('notifications.title'),
                })}
              </Text>
              <Text size="xs">{formatDateTime(notification.createdAt, i18n.language)}</Text>
            </UnstyledButton>
          ))}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
