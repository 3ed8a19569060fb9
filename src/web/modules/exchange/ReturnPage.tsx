import { useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Code,
  Group,
  List,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Stepper,
  Table,
  Tabs,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, type Created, type ReturnProblem, type ReturnViewData } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { hasPermission, PageLoader, useMe } from '../../components/session.js';
import { inboxItemQuery } from './MessagePage.js';
import { cellKey, columnLabel, ReturnTable, ROWS_PER_PAGE, type CellRef } from './ReturnTable.js';
import { CorrectionsNote, correctedRowsOf, RecordCorrectionOption, recordRows, SaveError } from './RecordCorrection.js';
import { orderedSummary, RollExceptions, RollRule, summaryLabel } from './RollExceptions.js';
import { KEY_WINDOW_QUERY, KeyWindowNote, useKeyWindow, windowOpen } from '../security/keyWindow.js';
import { EventTimeline, KEY_WORD_COUNT, KeyWordsInput, ReturnStateBadge, splitWords, titleOf } from './shared.js';
import { ruleSentence } from '../../components/labels.js';

const STEPS = ['draft', 'ready', 'processing', 'sent', 'received'] as const;
const STEP_OF: Record<ReturnViewData['state'], number> = {
  draft: 0,
  rejected: 0,
  ready: 1,
  processing: 2,
  sent: 3,
  send_failed: 3,
  received: STEPS.length,
};
const returnQuery = (id: string) => ({
  queryKey: ['exchange', 'return', id] as const,
  queryFn: () => api.get<ReturnViewData>(`/api/exchange/returns/${id}`),
  enabled: id !== '',
});
const VERSION_MESSAGES = { version_conflict: 'exchange.return.versionConflict' } as const;

function ReturnStepper({ state }: { state: ReturnViewData['state'] }) {
  const { t } = useTranslation();
  const wide = useMediaQuery('(min-width: 48em)', true);
  const failed = state === 'rejected' || state === 'send_failed';
  return (
    <Stepper
      active={STEP_OF[state]}
      color={failed ? 'red.9' : undefined}
      size={wide ? 'sm' : 'xs'}
      iconSize={wide ? undefined : 24}
      orientation={wide ? 'horizontal' : 'vertical'}
      data-testid="return-stepper"
      data-state={state}
    >
      {STEPS.map((step) => (
        <Stepper.Step
          key={step}
          label={t(`exchange.returnState.${step}`)}
          description={
            (state === 'rejected' && step === 'draft') || (state === 'send_failed' && step === 'sent')
              ? t(`exchange.returnState.${state}`)
              : undefined
          }
        />
      ))}
    </Stepper>
  );
}

function SummaryCounts({ summary }: { summary: Record<string, number> }) {
  const { t } = useTranslation();
  const entries = orderedSummary(summary);
  if (entries.length === 0) return null;
  return (
    <SimpleGrid cols={{ base: 2, xs: 3, md: 6 }} spacing="xs" data-testid="return-summary">
      {entries.map(([key, value]) => (
        <Paper key={key} withBorder p="xs" data-testid="return-summary-item" data-key={key} data-value={value}>
          <Text size="xs" fw={700}>
            {summaryLabel(t, key)}
          </Text>
          <Text size="lg" fw={700}>
            {value}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

function ProblemsList({ problems, onShow }: { problems: ReturnProblem[]; onShow: (problem: ReturnProblem) => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" variant="outline" role="alert" data-testid="return-problems" data-count={problems.length}>
      <Stack gap="xs">
        <Text size="sm" fw={700}>
          {t('exchange.return.problemsTitle', { count: problems.length })}
        </Text>
        <Table.ScrollContainer minWidth={560} type="native" tabIndex={0} aria-label={t('exchange.return.problemsTable')}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('exchange.return.file')}</Table.Th>
                <Table.Th>{t('exchange.return.row')}</Table.Th>
                <Table.Th>{t('exchange.return.column')}</Table.Th>
                <Table.Th>{t('exchange.return.value')}</Table.Th>
                <Table.Th>{t('exchange.return.rule')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {problems.slice(0, 200).map((problem, index) => (
                <Table.Tr
                  key={`${cellKey(problem)}-${index}`}
                  data-testid="return-problem"
                  data-file={problem.file}
                  data-row={problem.row}
                  data-column={problem.column}
                >
                  <Table.Td>{t(`exchange.files.${problem.file}`, { defaultValue: problem.file })}</Table.Td>
                  <Table.Td>{problem.row}</Table.Td>
                  <Table.Td>{columnLabel(t, problem.column)}</Table.Td>
                  <Table.Td>{problem.value || t('exchange.return.empty')}</Table.Td>
                  <Table.Td data-testid="return-problem-rule">{ruleSentence(t, problem.rule)}</Table.Td>
                  <Table.Td>
                    <Button size="compact-xs" variant="default" onClick={() => onShow(problem)} data-testid="return-problem-show">
                      {t('exchange.return.showCell')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {problems.length > 200 && <Text size="xs">{t('exchange.return.moreProblems', { count: problems.length - 200 })}</Text>}
      </Stack>
    </Alert>
  );
}

/** The server's refusal to send a return for approval lists the failing cells as `file:row:column`. */
function RefusedCells({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!(error instanceof ApiError) || error.code !== 'return_invalid')
    return <FormError error={error} testId="return-error" messages={VERSION_MESSAGES} />;
  return (
    <Alert color="red" variant="outline" role="alert" data-testid="return-error" data-code={error.code}>
      <Text size="sm">{t('errors.return_invalid')}</Text>
      <List size="sm" mt="xs">
        {error.errors.slice(0, 20).map((entry, index) => {
          const [file = '', row = '', column = ''] = entry.path.split(':');
          return (
            <List.Item key={`${entry.path}-${index}`}>
              {t('exchange.return.refusedCell', {
                file: t(`exchange.files.${file}`, { defaultValue: file }),
                row,
                column: columnLabel(t, column),
                rule: ruleSentence(t, entry.code),
              })}
            </List.Item>
          );
        })}
      </List>
    </Alert>
  );
}

function RejectModal({ ret, onClose }: { ret: ReturnViewData; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const reject = useMutation({
    mutationFn: () => api.post(`/api/exchange/returns/${ret.id}/reject`, { reason: reason.trim() }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exchange'] });
      showSuccess(t('exchange.return.rejected'));
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim()) reject.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened onClose={onClose} title={t('exchange.return.rejectTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Textarea
            label={t('exchange.return.rejectReason')}
            required
            autosize
            minRows={3}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-testid="reject-reason"
          />
          <FormError error={reject.error} testId="reject-error" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red.9" disabled={!reason.trim()} loading={reject.isPending} data-testid="reject-submit">
              {t('exchange.return.reject')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ApproveModal({ ret, onClose }: { ret: ReturnViewData; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [words, setWords] = useState('');
  const [tried, setTried] = useState(false);
  const keyWindow = useKeyWindow();
  const unlocked = windowOpen(keyWindow.data);
  const approve = useMutation({
    mutationFn: (list: string[] | null) =>
      api.post<ReturnViewData>(
        `/api/exchange/returns/${ret.id}/approve`,
        list ? { words: list, version: ret.version } : { version: ret.version },
      ),
    onSuccess: async (result) => {
      setWords('');
      queryClient.setQueryData(['exchange', 'return', ret.id], result);
      await queryClient.invalidateQueries({ queryKey: ['exchange'] });
      showSuccess(result.state === 'received' ? t('exchange.return.receivedNotice') : t('exchange.return.sentNotice'));
      onClose();
    },
    // The window may have run out meanwhile: ask for the words.
    onError: () => void queryClient.invalidateQueries({ queryKey: KEY_WINDOW_QUERY }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (unlocked) {
      approve.mutate(null);
      return;
    }
    setTried(true);
    const list = splitWords(words);
    if (list.length === KEY_WORD_COUNT) approve.mutate(list);
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      title={t('exchange.return.approveTitle')}
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('exchange.return.approveExplain')}</Text>
          {unlocked && keyWindow.data?.unlockedUntil ? (
            <KeyWindowNote until={keyWindow.data.unlockedUntil} />
          ) : (
            <KeyWordsInput value={words} onChange={setWords} showError={tried} testId="approve-words" />
          )}
          <FormError error={approve.error} testId="approve-error" messages={VERSION_MESSAGES} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={approve.isPending} data-testid="approve-submit">
              {t('exchange.return.approve')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Corrections not yet saved: the rows of each changed file, and which cells changed. */
interface Draft {
  rows: Record<string, Record<string, string>[]>;
  cells: Set<string>;
  /** Rows added or removed (a return the school types in), which change no single cell. */
  reshaped: number;
}
const NO_DRAFT: Draft = { rows: {}, cells: new Set(), reshaped: 0 };

/**
 * A return: generated from the school's records, checked against the authority's rules, corrected
 * by the preparer, sent for approval, approved with the school key by the named checker, and
 * answered with the authority's receipt (memo O2).
 */
export function ReturnPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const ret = useQuery(returnQuery(id));
  const task = useQuery({ ...inboxItemQuery(ret.data?.deliveryId ?? ''), enabled: Boolean(ret.data) });
  const [draft, setDraft] = useState<Draft>(NO_DRAFT);
  const [tab, setTab] = useState<string | null>(null);
  const [offsets, setOffsets] = useState<Record<string, number>>({});
  const [focus, setFocus] = useState<CellRef | null>(null);
  const [modal, setModal] = useState<'approve' | 'reject' | null>(null);
  const [alsoRecord, setAlsoRecord] = useState(true);
  const mayCorrectRecords = hasPermission(me, 'students.manage');

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['exchange'] });
  const save = useMutation({
    mutationFn: (data: ReturnViewData) =>
      api.put(`/api/exchange/returns/${data.id}/rows`, {
        files: Object.entries(draft.rows).map(([name, rows]) => ({ name, rows })),
        // Corrected particulars also go to the students' records when asked (and allowed): one step, all or nothing.
        records: data.kind !== 'manual' && alsoRecord && mayCorrectRecords ? recordRows(draft.cells) : undefined,
        version: data.version,
      }),
    onSuccess: async () => {
      setDraft(NO_DRAFT);
      await refresh();
      showSuccess(t('exchange.return.saved'));
    },
  });
  const ready = useMutation({
    mutationFn: () => api.post(`/api/exchange/returns/${id}/ready`),
    onSuccess: async () => {
      await refresh();
      showSuccess(t('exchange.return.sentForApproval'));
    },
  });
  const amend = useMutation({
    mutationFn: (deliveryId: string) => api.post<Created>(`/api/exchange/inbox/${deliveryId}/amend`),
    onSuccess: async (created) => {
      await refresh();
      showSuccess(t('exchange.return.amendStarted'));
      void navigate(`/exchange/returns/${created.id}`);
    },
  });

  if (ret.isPending) return <PageLoader />;
  if (!ret.data) return <FormError error={ret.error} />;
  const data = ret.data;
  const myId = me?.user.id;
  const item = task.data;
  const preparer = hasPermission(me, 'exchange.prepare') && item !== undefined && (item.owner?.id === myId || item.backup?.id === myId);
  const checker = hasPermission(me, 'exchange.approve') && data.checker?.id === myId;
  const editable = preparer && (data.state === 'draft' || data.state === 'rejected');
  const unsaved = draft.cells.size + draft.reshaped;
  const manual = data.kind === 'manual';
  const toRecord = manual ? [] : recordRows(draft.cells);
  const problemCells = new Set(data.problems.map(cellKey));
  const files = data.files.map((file) => ({ ...file, rows: draft.rows[file.name] ?? file.rows }));
  const activeTab = tab ?? files[0]?.name ?? null;

  const edit = (cell: CellRef, value: string) => {
    setDraft((previous) => {
      const original = data.files.find((f) => f.name === cell.file);
      if (!original) return previous;
      const rows = (previous.rows[cell.file] ?? original.rows).map((row, index) =>
        index === cell.row - 1 ? { ...row, [cell.column]: value } : row,
      );
      const cells = new Set(previous.cells);
      const key = cellKey(cell);
      if ((original.rows[cell.row - 1]?.[cell.column] ?? '') === value) cells.delete(key);
      else cells.add(key);
      return { ...previous, rows: { ...previous.rows, [cell.file]: rows }, cells };
    });
  };
  const rowsOf = (previous: Draft, name: string) => previous.rows[name] ?? data.files.find((f) => f.name === name)?.rows ?? [];
  // Rows move when one is added or removed, so cell marks would point at the wrong row: they are dropped.
  const addRow = (name: string) => {
    const file = data.files.find((f) => f.name === name);
    if (!file) return;
    const rows = [...rowsOf(draft, name), Object.fromEntries(file.columns.map((c) => [c, '']))];
    setDraft((previous) => ({ rows: { ...previous.rows, [name]: rows }, cells: new Set(), reshaped: previous.reshaped + 1 }));
    setOffsets((previous) => ({ ...previous, [name]: Math.floor((rows.length - 1) / ROWS_PER_PAGE) * ROWS_PER_PAGE }));
  };
  const removeRow = (name: string, row: number) =>
    setDraft((previous) => ({
      rows: { ...previous.rows, [name]: rowsOf(previous, name).filter((_, index) => index !== row - 1) },
      cells: new Set(),
      reshaped: previous.reshaped + 1,
    }));
  const show = (problem: ReturnProblem) => {
    setTab(problem.file);
    setOffsets((previous) => ({ ...previous, [problem.file]: Math.floor((problem.row - 1) / ROWS_PER_PAGE) * ROWS_PER_PAGE }));
    setFocus(problem);
    // After the page has drawn the cell, bring it into view.
    requestAnimationFrame(() =>
      document
        .querySelector(`[data-testid="cell-${problem.file}-${problem.row}-${problem.column}"]`)
        ?.scrollIntoView({ block: 'center', inline: 'center' }),
    );
  };

  return (
    <Stack gap="md" data-testid="return-page" data-state={data.state} data-version={data.version} data-problems={data.problems.length}>
      <Anchor component={Link} to={`/exchange/inbox/${data.deliveryId}`} size="sm" data-testid="return-back">
        {t('exchange.return.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={1} size="h2">
            {t('exchange.return.title')}
            {data.amendment > 0 ? ` · ${t('exchange.return.amendmentN', { n: data.amendment })}` : ''}
          </Title>
          {item && (
            <Text size="sm">
              {item.refNo} · {titleOf(item, i18n.language)}
            </Text>
          )}
        </Stack>
        <ReturnStateBadge state={data.state} />
      </Group>
      <ReturnStepper state={data.state} />
      {data.state === 'rejected' && data.rejectReason && (
        <Alert color="red" variant="outline" role="alert" data-testid="return-rejected">
          <Text size="sm">{t('exchange.return.rejectedBecause', { reason: data.rejectReason })}</Text>
        </Alert>
      )}
      {data.state === 'send_failed' && (
        <Alert color="red" variant="outline" role="alert" data-testid="return-send-failed">
          <Text size="sm">
            {t('exchange.return.sendFailed', { reason: data.failure ? t(`errors.${data.failure}`, { defaultValue: data.failure }) : '' })}
          </Text>
        </Alert>
      )}
      {data.state === 'received' && data.receiptHash && (
        <Alert color="green" variant="outline" data-testid="return-received">
          <Stack gap={4}>
            <Text size="sm" fw={700}>
              {t('exchange.return.receivedTitle')}
            </Text>
            <Text size="sm">{t('exchange.return.receiptHash')}</Text>
            <Code block data-testid="return-receipt-hash" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
              {data.receiptHash}
            </Code>
          </Stack>
        </Alert>
      )}
      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="xs">
          <Text size="sm">{t('exchange.return.kind', { kind: t(`exchange.templateKinds.${data.kind}`) })}</Text>
          <Text size="sm">{t('exchange.return.preparedBy', { name: data.preparedBy ?? t('exchange.nobody') })}</Text>
          <Text size="sm" data-testid="return-checker">
            {t('exchange.return.checkerIs', { name: data.checker?.name ?? t('exchange.nobody') })}
          </Text>
          {data.approvedBy && <Text size="sm">{t('exchange.return.approvedBy', { name: data.approvedBy })}</Text>}
        </SimpleGrid>
        {data.packageHash && (
          <Text size="xs" mt="xs" style={{ overflowWrap: 'anywhere' }}>
            {t('exchange.return.packageHash')} <Code data-testid="return-package-hash">{data.packageHash}</Code>
          </Text>
        )}
      </Paper>
      <RollRule ret={data} />
      <SummaryCounts summary={data.summary} />
      <CorrectionsNote corrections={data.corrections} />
      <RollExceptions ret={data} editable={editable} />
      {data.problems.length > 0 ? (
        <ProblemsList problems={data.problems} onShow={show} />
      ) : (
        <Text size="sm" data-testid="return-no-problems">
          {t('exchange.return.noProblems')}
        </Text>
      )}
      <Group>
        {editable && (
          <Button disabled={unsaved > 0} loading={ready.isPending} onClick={() => ready.mutate()} data-testid="return-ready">
            {t('exchange.return.sendForApproval')}
          </Button>
        )}
        {checker && data.state === 'ready' && (
          <>
            <Button onClick={() => setModal('approve')} data-testid="return-approve">
              {t('exchange.return.approve')}
            </Button>
            <Button variant="outline" color="red.9" onClick={() => setModal('reject')} data-testid="return-reject">
              {t('exchange.return.reject')}
            </Button>
          </>
        )}
        {data.packageHash && (
          <Button component="a" variant="default" href={`/api/exchange/returns/${data.id}/package`} download data-testid="return-package">
            {t('exchange.return.downloadPackage')}
          </Button>
        )}
        {preparer && data.state === 'received' && (
          <Button variant="default" loading={amend.isPending} onClick={() => amend.mutate(data.deliveryId)} data-testid="return-amend">
            {t('exchange.return.amend')}
          </Button>
        )}
      </Group>
      {editable && unsaved > 0 && <Text size="sm">{t('exchange.return.saveFirst')}</Text>}
      {data.state === 'ready' && !checker && (
        <Text size="sm">{t('exchange.return.waitingForChecker', { name: data.checker?.name ?? t('exchange.nobody') })}</Text>
      )}
      <RefusedCells error={ready.error ?? amend.error} />
      {editable && (
        <Paper withBorder p="sm" data-testid="return-edit-bar" data-unsaved={unsaved} style={{ position: 'sticky', top: 64, zIndex: 2 }}>
          <Group justify="space-between">
            <Text size="sm">{unsaved > 0 ? t('exchange.return.unsaved', { count: unsaved }) : t('exchange.return.editHint')}</Text>
            <Group gap="xs">
              <Button variant="default" disabled={unsaved === 0} onClick={() => setDraft(NO_DRAFT)} data-testid="return-discard">
                {t('exchange.return.discard')}
              </Button>
              <Button disabled={unsaved === 0} loading={save.isPending} onClick={() => save.mutate(data)} data-testid="return-save">
                {t('exchange.return.save')}
              </Button>
            </Group>
          </Group>
          <RecordCorrectionOption rows={toRecord.length} mayCorrect={mayCorrectRecords} checked={alsoRecord} onChange={setAlsoRecord} />
          <SaveError error={save.error} messages={VERSION_MESSAGES} />
        </Paper>
      )}
      <Tabs value={activeTab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          {files.map((file) => (
            <Tabs.Tab key={file.name} value={file.name} data-testid={`return-tab-${file.name}`}>
              {t(`exchange.files.${file.name}`, { defaultValue: file.name })} ({file.rows.length})
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {files.map((file) => (
          <Tabs.Panel key={file.name} value={file.name} pt="sm">
            <ReturnTable
              file={file}
              problems={problemCells}
              changed={draft.cells}
              editable={editable}
              offset={offsets[file.name] ?? 0}
              onOffset={(offset) => setOffsets((previous) => ({ ...previous, [file.name]: offset }))}
              focus={focus}
              onEdit={edit}
              corrected={correctedRowsOf(data.corrections, file.name)}
              onRemoveRow={editable && manual ? (row) => removeRow(file.name, row) : undefined}
            />
            {editable && manual && (
              <Button variant="default" mt="xs" onClick={() => addRow(file.name)} data-testid="row-add">
                {t('exchange.return.addRow')}
              </Button>
            )}
          </Tabs.Panel>
        ))}
      </Tabs>
      <Card withBorder>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('exchange.history')}
          </Title>
          <EventTimeline events={data.history} />
        </Stack>
      </Card>
      {modal === 'approve' && <ApproveModal ret={data} onClose={() => setModal(null)} />}
      {modal === 'reject' && <RejectModal ret={data} onClose={() => setModal(null)} />}
    </Stack>
  );
}
