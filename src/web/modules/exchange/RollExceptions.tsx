import { useState, type FormEvent } from 'react';
import { Badge, Button, Group, Modal, Paper, Stack, Table, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ReturnViewData } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { formatDate, formatDateTime } from '../../components/format.js';
import { showSuccess } from '../../components/notify.js';

type RollExceptionData = ReturnViewData['exceptions'][number];

/** A summary key in the reader's words: `S1`, `unplaced`, or a count by level such as `repeatersS1` / `boysS2`. */
export function summaryLabel(t: (key: string, options?: Record<string, unknown>) => string, key: string): string {
  const byLevel = /^(repeaters|boys|girls|classes)([PS][1-6])$/.exec(key);
  if (byLevel) return t(`roll.summary.${byLevel[1]}`, { level: t(`exchange.summary.${byLevel[2]}`) });
  return t(`exchange.summary.${key}`, { defaultValue: key });
}

const LEVELS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
const BY_LEVEL = ['repeaters', 'boys', 'girls', 'classes'];

/** Where a summary key sits: the total, then each level, then the counts by level (repeaters, boys, girls, classes), then the rest. */
function summaryRank(key: string): number[] {
  if (key === 'total') return [0];
  if (LEVELS.includes(key)) return [1, LEVELS.indexOf(key)];
  if (key === 'repeaters') return [2];
  const byLevel = /^(repeaters|boys|girls|classes)([PS][1-6])$/.exec(key);
  if (byLevel) return [3, BY_LEVEL.indexOf(byLevel[1] ?? ''), LEVELS.indexOf(byLevel[2] ?? '')];
  if (key === 'unplaced') return [5];
  return [4];
}

/** A return's totals in reading order (the database keeps no order of its own). */
export function orderedSummary(summary: Record<string, number>): [string, number][] {
  return Object.entries(summary).sort(([a], [b]) => {
    const [ra, rb] = [summaryRank(a), summaryRank(b)];
    for (let i = 0; i < Math.max(ra.length, rb.length); i++) if ((ra[i] ?? 0) !== (rb[i] ?? 0)) return (ra[i] ?? 0) - (rb[i] ?? 0);
    return a.localeCompare(b);
  });
}

/** Who the return counts, in words: the survey's rule with its reference date (the same rule for every return). */
export function RollRule({ ret }: { ret: ReturnViewData }) {
  const { t, i18n } = useTranslation();
  if (ret.kind === 'manual') return null;
  return (
    <Text size="sm" data-testid="return-roll-rule" data-date={ret.referenceDate ?? ''}>
      {ret.referenceDate ? t('roll.rule', { date: formatDate(ret.referenceDate, i18n.language) }) : t('roll.ruleNoDate')}
    </Text>
  );
}

function ExplainModal({ ret, exception, onClose }: { ret: ReturnViewData; exception: RollExceptionData; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [text, setText] = useState(exception.explanation?.text ?? '');
  const explain = useMutation({
    mutationFn: () =>
      api.post(`/api/exchange/returns/${ret.id}/exceptions`, {
        studentId: exception.studentId,
        explanation: text.trim(),
        version: ret.version,
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exchange'] });
      showSuccess(t('roll.explained'));
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim().length >= 5) explain.mutate();
  };
  const name = i18n.language === 'en' ? exception.nameEn : exception.nameZh || exception.nameEn;
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened onClose={onClose} title={t('roll.explainTitle', { name })}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Textarea
            label={t('roll.explainLabel')}
            description={t('roll.explainHint')}
            required
            autosize
            minRows={3}
            maxLength={1000}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            data-testid="roll-explanation"
          />
          <FormError error={explain.error} testId="roll-explain-error" messages={{ version_conflict: 'exchange.return.versionConflict' }} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" disabled={text.trim().length < 5} loading={explain.isPending} data-testid="roll-explain-submit">
              {t('roll.explainSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Students on roll on the reference date with no class that day: never placed, or placed only
 * after it. Each must be placed (then the return generated again) or explained before it can go.
 */
export function RollExceptions({ ret, editable }: { ret: ReturnViewData; editable: boolean }) {
  const { t, i18n } = useTranslation();
  const [explaining, setExplaining] = useState<RollExceptionData | null>(null);
  if (ret.exceptions.length === 0) return null;
  const open = ret.exceptions.filter((e) => !e.explanation).length;
  return (
    <Paper
      withBorder
      p="sm"
      style={{ borderColor: open > 0 ? 'var(--mantine-color-red-9)' : undefined, minWidth: 0 }}
      role={open > 0 ? 'alert' : undefined}
      data-testid="roll-exceptions"
      data-count={ret.exceptions.length}
      data-open={open}
    >
      <Stack gap="xs">
        <Text size="sm" fw={700}>
          {t('roll.exceptionsTitle', { count: ret.exceptions.length })}
        </Text>
        <Text size="sm">{t('roll.exceptionsExplain')}</Text>
        <Table.ScrollContainer minWidth={560} type="native" tabIndex={0} aria-label={t('roll.exceptionsTable')}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('roll.student')}</Table.Th>
                <Table.Th>{t('roll.reason')}</Table.Th>
                <Table.Th>{t('roll.explanation')}</Table.Th>
                {editable && <Table.Th>{t('common.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ret.exceptions.map((e) => (
                <Table.Tr
                  key={e.studentId}
                  data-testid="roll-exception"
                  data-reg-no={e.regNo}
                  data-explained={e.explanation ? 'yes' : 'no'}
                >
                  <Table.Td>
                    {e.regNo} {i18n.language === 'en' ? e.nameEn : e.nameZh || e.nameEn}
                  </Table.Td>
                  <Table.Td>
                    {t(`roll.reasons.${e.reason}`, {
                      date: e.placedFrom ? formatDate(e.placedFrom, i18n.language) : '',
                      classCode: e.classCode ?? '',
                    })}
                  </Table.Td>
                  <Table.Td>
                    {e.explanation ? (
                      t('roll.explainedBy', {
                        text: e.explanation.text,
                        by: e.explanation.by,
                        at: formatDateTime(e.explanation.at, i18n.language),
                      })
                    ) : (
                      <Badge color="red.9" variant="light">
                        {t('roll.open')}
                      </Badge>
                    )}
                  </Table.Td>
                  {editable && (
                    <Table.Td>
                      <Button size="compact-xs" variant="default" onClick={() => setExplaining(e)} data-testid="roll-explain">
                        {t('roll.explain')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
      {explaining && <ExplainModal ret={ret} exception={explaining} onClose={() => setExplaining(null)} />}
    </Paper>
  );
}

/** What the authority sees in an opened return: who was counted, and each student without a class with the school's explanation. */
export function RollExceptionsNote({ exceptions, referenceDate }: { exceptions: RollExceptionData[]; referenceDate: string | null }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack gap={4} data-testid="opened-roll" data-exceptions={exceptions.length}>
      {referenceDate && <Text size="sm">{t('roll.rule', { date: formatDate(referenceDate, i18n.language) })}</Text>}
      {exceptions.length > 0 && (
        <>
          <Text size="sm" fw={700}>
            {t('roll.exceptionsTitle', { count: exceptions.length })}
          </Text>
          {exceptions.map((e) => (
            <Text size="sm" key={e.studentId} data-testid="opened-roll-exception" data-reg-no={e.regNo}>
              {e.regNo} {i18n.language === 'en' ? e.nameEn : e.nameZh || e.nameEn} ·{' '}
              {t(`roll.reasons.${e.reason}`, {
                date: e.placedFrom ? formatDate(e.placedFrom, i18n.language) : '',
                classCode: e.classCode ?? '',
              })}
              {e.explanation ? ` · ${e.explanation.text}` : ''}
            </Text>
          ))}
        </>
      )}
    </Stack>
  );
}
