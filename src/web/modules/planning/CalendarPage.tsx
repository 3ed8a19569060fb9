import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { hasPermission, useMe } from '../../components/session.js';
import { CalendarTasks } from './CalendarTasks.js';
import { CalendarTemplates } from './CalendarTemplates.js';
import { TransitionPlanSection } from './TransitionPlanSection.js';

/** Year planning (memo O3): the year's work calendar by month, the transition plan into the next year, and the templates. */
export function CalendarPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canManage = hasPermission(me, 'planning.manage');
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('planningCalendar.title')}
        </Title>
        <Text size="sm">{t('planningCalendar.explain')}</Text>
      </div>
      <Tabs defaultValue="calendar" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="calendar" data-testid="tab-calendar">
            {t('planningCalendar.tabs.calendar')}
          </Tabs.Tab>
          <Tabs.Tab value="plan" data-testid="tab-plan">
            {t('planningCalendar.tabs.plan')}
          </Tabs.Tab>
          <Tabs.Tab value="templates" data-testid="tab-templates">
            {t('planningCalendar.tabs.templates')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="calendar" pt="md">
          <CalendarTasks canManage={canManage} />
        </Tabs.Panel>
        <Tabs.Panel value="plan" pt="md">
          <TransitionPlanSection canManage={canManage} />
        </Tabs.Panel>
        <Tabs.Panel value="templates" pt="md">
          <CalendarTemplates canManage={canManage} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
