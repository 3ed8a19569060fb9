import { useState } from 'react';
import { Alert, Button, List, Radio, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { NumberOrder } from '../../../contracts/rollover.js';
import { api } from '../../api.js';
import { showSuccess } from '../../components/notify.js';
import { PageLoader } from '../../components/session.js';
import { PLAN_KEY, PREVIEW_KEY, previewQuery, ROLLOVER, type RolloverPlan, RolloverError, useExceptionText } from './rolloverShared.js';

/** How class numbers are given next year: by English name, by Chinese name, or kept. */
export function RolloverNumbers({ plan, editable }: { plan: RolloverPlan; editable: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [order, setOrder] = useState<string>(plan.numberOrder);
  const save = useMutation({
    mutationFn: () => api.put(`${ROLLOVER}/order`, { version: plan.version, numberOrder: order }),
    onSuccess: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: PLAN_KEY }), queryClient.invalidateQueries({ queryKey: PREVIEW_KEY })]);
      showSuccess(t('common.saved'));
    },
  });
  return (
    <Stack gap="sm" align="flex-start">
      <Radio.Group label={t('rollover.numbers.hint')} value={order} onChange={setOrder}>
        <Stack gap="xs" mt="xs">
          {NumberOrder.options.map((o) => (
            <Radio key={o} value={o} label={t(`rollover.numbers.${o}`)} disabled={!editable} data-testid={`rollover-order-${o}`} />
          ))}
        </Stack>
      </Radio.Group>
      <RolloverError error={save.error} />
      {editable && (
        <Button loading={save.isPending} onClick={() => save.mutate()} data-testid="rollover-order-save">
          {t('rollover.numbers.save')}
        </Button>
      )}
    </Stack>
  );
}

/** Counts per class and in all, and every exception that stops a migration. */
export function RolloverPreview() {
  const { t } = useTranslation();
  const preview = useQuery(previewQuery);
  const text = useExceptionText();
  if (preview.isPending) return <PageLoader />;
  const p = preview.data;
  return (
    <Stack gap="md" data-testid="rollover-preview">
      <RolloverError error={preview.error} />
      {p && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }}>
            {(['students', 'promoted', 'repeating', 'admitted', 'leaving', 'graduating'] as const).map((k) => (
              <Stack key={k} gap={0}>
                <Text size="xs" c="dimmed">
                  {t(`rollover.preview.${k}`)}
                </Text>
                <Text fw={700} size="xl" data-testid={`rollover-total-${k}`}>
                  {p.totals[k]}
                </Text>
              </Stack>
            ))}
          </SimpleGrid>
          <Title order={4}>{t('rollover.preview.exceptions')}</Title>
          {p.exceptions.length === 0 ? (
            <Alert color="green" variant="light" data-testid="rollover-no-exceptions">
              {t('rollover.preview.noExceptions')}
            </Alert>
          ) : (
            <List data-testid="rollover-exceptions">
              {p.exceptions.map((e, i) => (
                <List.Item key={`${e.code}-${e.studentId ?? e.classCode ?? ''}-${i}`} data-code={e.code}>
                  {text(e)}
                </List.Item>
              ))}
            </List>
          )}
          <Table.ScrollContainer minWidth={560}>
            <Table striped data-testid="rollover-class-counts">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('rollover.classes.code')}</Table.Th>
                  <Table.Th>{t('rollover.classes.level')}</Table.Th>
                  <Table.Th>{t('rollover.preview.total')}</Table.Th>
                  <Table.Th>{t('rollover.preview.capacity')}</Table.Th>
                  <Table.Th>{t('rollover.preview.promoted')}</Table.Th>
                  <Table.Th>{t('rollover.preview.repeating')}</Table.Th>
                  <Table.Th>{t('rollover.preview.admitted')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.classes.map((c) => (
                  <Table.Tr key={c.code} data-testid="rollover-class-count" data-code={c.code} c={c.total > c.capacity ? 'red' : undefined}>
                    <Table.Td>{c.code}</Table.Td>
                    <Table.Td>{c.level}</Table.Td>
                    <Table.Td>{c.total}</Table.Td>
                    <Table.Td>{c.capacity}</Table.Td>
                    <Table.Td>{c.promoted}</Table.Td>
                    <Table.Td>{c.repeating}</Table.Td>
                    <Table.Td>{c.admitted}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
