import { useState, type FormEvent, type InputHTMLAttributes } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Code,
  Fieldset,
  FileInput,
  Group,
  List,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { DateField } from '../../components/DateField.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { CATEGORIES, Priority, RETURN_FILES, TemplateKind } from '../../../contracts/exchange.js';
import { api, ApiError, type AuthoritySchoolListView, type PublishResultView } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { showSuccess } from '../../components/notify.js';
import { PageLoader } from '../../components/session.js';
import { formatDate } from '../../components/format.js';
import { formatBytes, hongKongIso, hongKongToday } from '../exchange/shared.js';

const MAX_ATTACHMENT_BYTES = 512 * 1024;
const MAX_ATTACHMENTS = 10;
type Level = 'primary' | 'secondary';
type Kind = (typeof TemplateKind.options)[number];

interface Draft {
  category: string;
  subjectCode: string;
  typeCode: string;
  priority: string;
  titleZh: string;
  titleEn: string;
  bodyZh: string;
  bodyEn: string;
  referenceDate: string;
  deadlineDate: string;
  deadlineTime: string;
  levels: Level[];
  schoolIds: string[];
  asksReturn: boolean;
  kind: Kind;
  columns: string[];
  rules: string;
}

/** A week from today, 17:00 Hong Kong time: a sensible first deadline. */
function defaultDeadline(): string {
  const [y = 2000, m = 1, d = 1] = hongKongToday().split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 7)).toISOString().slice(0, 10);
}

const EMPTY: Draft = {
  category: 'headcount',
  subjectCode: '',
  typeCode: '',
  priority: 'normal',
  titleZh: '',
  titleEn: '',
  bodyZh: '',
  bodyEn: '',
  referenceDate: '',
  deadlineDate: '',
  deadlineTime: '17:00',
  levels: [],
  schoolIds: [],
  asksReturn: false,
  kind: 'headcount',
  columns: [],
  rules: '',
};

/** The rules box, one rule a line: the rules sent, and for each the line it was typed on. */
function rulesOf(text: string): { rules: string[]; lines: number[] } {
  const rules: string[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim()) {
      rules.push(line.trim());
      lines.push(index + 1);
    }
  });
  return { rules, lines };
}

function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new Error('unreadable'));
    reader.readAsDataURL(file);
  });
}

/** Publish a message to schools: what it says (in both languages), to whom, by when, and what return it asks for. */
export function NewMessagePage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => ({ ...EMPTY, deadlineDate: defaultDeadline() }));
  const [files, setFiles] = useState<File[]>([]);
  const schools = useQuery({
    queryKey: ['authority', 'schools'],
    queryFn: () => api.get<AuthoritySchoolListView>('/api/authority/schools'),
  });
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((previous) => ({ ...previous, [key]: value }));
  const text = (key: keyof Draft, upper = false) => ({
    value: String(draft[key]),
    onChange: (e: { currentTarget: { value: string } }) =>
      set(key, (upper ? e.currentTarget.value.toUpperCase() : e.currentTarget.value) as never),
  });
  const { rules, lines } = rulesOf(draft.rules);
  const tooLarge = files.filter((f) => f.size > MAX_ATTACHMENT_BYTES);

  const publish = useMutation({
    mutationFn: async () =>
      api.post<PublishResultView>('/api/authority/messages', {
        category: draft.category,
        subjectCode: draft.subjectCode.trim(),
        typeCode: draft.typeCode.trim(),
        priority: draft.priority,
        titleZh: draft.titleZh.trim(),
        titleEn: draft.titleEn.trim(),
        bodyZh: draft.bodyZh.trim(),
        bodyEn: draft.bodyEn.trim(),
        ...(draft.referenceDate ? { referenceDate: draft.referenceDate } : {}),
        deadline: hongKongIso(draft.deadlineDate, draft.deadlineTime),
        audience: { levels: draft.levels, schoolIds: draft.schoolIds },
        attachments: await Promise.all(files.map(async (file) => ({ name: file.name, contentBase64: await fileToBase64(file) }))),
        ...(draft.asksReturn
          ? { template: { kind: draft.kind, ...(draft.kind === 'manual' ? { columns: draft.columns } : {}), rules } }
          : {}),
      }),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['authority'] });
      showSuccess(t('authority.new.published', { refNo: result.refNo, count: result.recipients }));
      void navigate(`/authority/messages/${result.id}`);
    },
  });

  const problem = publish.error instanceof ApiError ? publish.error : null;
  const ruleErrors = (problem?.code === 'template_invalid' ? problem.errors : [])
    .map((e) => ({ match: /^template\.rules\.(\d+)$/.exec(e.path), path: e.path, code: e.code }))
    .map((e) => ({ line: e.match ? (lines[Number(e.match[1])] ?? Number(e.match[1]) + 1) : null, path: e.path, code: e.code }));
  const columnsError = ruleErrors.some((e) => e.path === 'template.columns');
  const deadlineError = problem?.code === 'deadline_past' || problem?.errors.some((e) => e.path === 'deadline');

  const schoolList = schools.data?.schools ?? [];
  const audience = schoolList.filter((s) => draft.schoolIds.includes(s.id) || s.levels.some((l) => draft.levels.includes(l)));
  const kindFiles = draft.kind === 'manual' ? { data: draft.columns } : RETURN_FILES[draft.kind];
  const ready =
    draft.subjectCode.trim() &&
    draft.typeCode.trim() &&
    draft.titleZh.trim() &&
    draft.titleEn.trim() &&
    draft.bodyZh.trim() &&
    draft.bodyEn.trim() &&
    draft.deadlineDate &&
    tooLarge.length === 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) publish.mutate();
  };

  if (schools.isPending) return <PageLoader />;
  return (
    <Stack gap="md" data-testid="authority-new-page">
      <Anchor component={Link} to="/authority/messages" size="sm">
        {t('authority.progress.back')}
      </Anchor>
      <Title order={1} size="h2">
        {t('authority.new.title')}
      </Title>
      <Text size="sm">{t('authority.new.explain')}</Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Fieldset legend={t('authority.new.about')}>
            <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
              <Select
                label={t('exchange.category')}
                required
                allowDeselect={false}
                data={CATEGORIES.map((value) => ({ value, label: t(`exchange.categories.${value}`) }))}
                value={draft.category}
                onChange={(value) => value && set('category', value)}
                comboboxProps={{ withinPortal: false }}
                data-testid="new-category"
              />
              <TextInput
                label={t('authority.new.subjectCode')}
                description={t('authority.new.codeHint')}
                required
                maxLength={20}
                {...text('subjectCode', true)}
                data-testid="new-subject-code"
              />
              <TextInput
                label={t('authority.new.typeCode')}
                description={t('authority.new.codeHint')}
                required
                maxLength={20}
                {...text('typeCode', true)}
                data-testid="new-type-code"
              />
              <Select
                label={t('exchange.priorityLabel')}
                allowDeselect={false}
                data={Priority.options.map((value) => ({ value, label: t(`exchange.priority.${value}`) }))}
                value={draft.priority}
                onChange={(value) => value && set('priority', value)}
                comboboxProps={{ withinPortal: false }}
                data-testid="new-priority"
              />
            </SimpleGrid>
          </Fieldset>
          <Fieldset legend={t('authority.new.content')}>
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <TextInput
                  label={t('authority.new.titleZh')}
                  required
                  maxLength={200}
                  lang="zh-HK"
                  {...text('titleZh')}
                  data-testid="new-title-zh"
                />
                <TextInput
                  label={t('authority.new.titleEn')}
                  required
                  maxLength={200}
                  lang="en"
                  {...text('titleEn')}
                  data-testid="new-title-en"
                />
                <Textarea
                  label={t('authority.new.bodyZh')}
                  required
                  autosize
                  minRows={4}
                  maxLength={20000}
                  lang="zh-HK"
                  {...text('bodyZh')}
                  data-testid="new-body-zh"
                />
                <Textarea
                  label={t('authority.new.bodyEn')}
                  required
                  autosize
                  minRows={4}
                  maxLength={20000}
                  lang="en"
                  {...text('bodyEn')}
                  data-testid="new-body-en"
                />
              </SimpleGrid>
              <FileInput
                label={t('authority.new.attachments')}
                description={t('authority.new.attachmentsHint', { count: MAX_ATTACHMENTS })}
                placeholder={t('authority.new.chooseFiles')}
                multiple
                clearable
                styles={{ placeholder: { color: 'var(--mantine-color-gray-7)' } }}
                value={files}
                onChange={(chosen) => setFiles(chosen.slice(0, MAX_ATTACHMENTS))}
                clearButtonProps={{ 'aria-label': t('authority.new.clearFiles') }}
                error={tooLarge.length > 0 ? t('authority.new.tooLarge', { names: tooLarge.map((f) => f.name).join(', ') }) : undefined}
                data-testid="new-attachments-button"
                fileInputProps={{ 'data-testid': 'new-attachments' } as InputHTMLAttributes<HTMLInputElement>}
              />
              {files.length > 0 && (
                <List size="sm">
                  {files.map((file, index) => (
                    <List.Item key={`${index}-${file.name}`}>
                      {file.name} ({formatBytes(file.size)})
                    </List.Item>
                  ))}
                </List>
              )}
            </Stack>
          </Fieldset>
          <Fieldset legend={t('authority.new.dates')}>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <DateField
                label={t('exchange.referenceDate')}
                description={t('authority.new.referenceHint')}
                value={draft.referenceDate}
                onChange={(value) => set('referenceDate', value)}
                data-testid="new-reference-date"
              />
              <DateField
                label={t('authority.new.deadlineDate')}
                required
                value={draft.deadlineDate}
                onChange={(value) => set('deadlineDate', value)}
                error={deadlineError ? t('errors.deadline_past') : undefined}
                data-testid="new-deadline-date"
              />
              <TextInput
                label={t('authority.new.deadlineTime')}
                description={t('authority.new.timeHint')}
                type="time"
                required
                {...text('deadlineTime')}
                data-testid="new-deadline-time"
              />
            </SimpleGrid>
          </Fieldset>
          <Fieldset legend={t('authority.new.audience')}>
            <Stack gap="sm">
              <Checkbox.Group
                label={t('authority.new.levels')}
                value={draft.levels}
                onChange={(value) =>
                  set(
                    'levels',
                    value.filter((v): v is Level => v === 'primary' || v === 'secondary'),
                  )
                }
              >
                <Group mt={4}>
                  <Checkbox value="primary" label={t('authority.levels.primary')} data-testid="new-level-primary" />
                  <Checkbox value="secondary" label={t('authority.levels.secondary')} data-testid="new-level-secondary" />
                </Group>
              </Checkbox.Group>
              <MultiSelect
                label={t('authority.new.schools')}
                description={t('authority.new.schoolsHint')}
                searchable
                clearable
                data={schoolList.map((s) => ({ value: s.id, label: `${s.schoolNumber} ${i18n.language === 'en' ? s.nameEn : s.nameZh}` }))}
                value={draft.schoolIds}
                onChange={(value) => set('schoolIds', value)}
                nothingFoundMessage={t('authority.new.noSchool')}
                comboboxProps={{ withinPortal: false }}
                data-testid="new-schools"
              />
              <Text size="sm" fw={600} data-testid="new-audience-count" data-count={audience.length}>
                {t('authority.new.audienceCount', { count: audience.length })}
              </Text>
              <FormError error={schools.error} testId="schools-error" />
            </Stack>
          </Fieldset>
          <Fieldset legend={t('authority.new.return')}>
            <Stack gap="sm">
              <Switch
                label={t('authority.new.asksReturn')}
                checked={draft.asksReturn}
                onChange={(e) => set('asksReturn', e.currentTarget.checked)}
                data-testid="new-asks-return"
              />
              {draft.asksReturn && (
                <>
                  <Select
                    label={t('authority.new.kind')}
                    allowDeselect={false}
                    data={TemplateKind.options.map((value) => ({ value, label: t(`exchange.templateKinds.${value}`) }))}
                    value={draft.kind}
                    onChange={(value) => value && set('kind', value)}
                    comboboxProps={{ withinPortal: false }}
                    data-testid="new-kind"
                  />
                  {draft.kind === 'manual' && (
                    <TagsInput
                      label={t('authority.new.columns')}
                      description={t('authority.new.columnsHint')}
                      value={draft.columns}
                      onChange={(value) => set('columns', value)}
                      maxTags={40}
                      error={columnsError ? t('authority.new.columnsNeeded') : undefined}
                      data-testid="new-columns"
                    />
                  )}
                  <Text size="xs" data-testid="new-files">
                    {t('authority.new.filesAre')}{' '}
                    {Object.entries(kindFiles).map(([name, columns]) => (
                      <Code key={name} mr={4}>
                        {name}: {columns.join(', ')}
                      </Code>
                    ))}
                  </Text>
                  {draft.kind !== 'manual' && (
                    <Text size="xs" data-testid="new-roll-rule">
                      {draft.referenceDate
                        ? t('roll.rule', { date: formatDate(draft.referenceDate, i18n.language) })
                        : t('roll.ruleNoDate')}
                    </Text>
                  )}
                  <Textarea
                    label={t('authority.new.rules')}
                    description={t('authority.new.rulesHint')}
                    autosize
                    minRows={3}
                    spellCheck={false}
                    {...text('rules')}
                    error={ruleErrors.length > 0 ? t('authority.new.rulesInvalid') : undefined}
                    styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                    data-testid="new-rules"
                  />
                  {ruleErrors.length > 0 && (
                    <Alert color="red" variant="outline" role="alert" data-testid="new-rule-errors">
                      <List size="sm">
                        {ruleErrors.map((e, index) => (
                          <List.Item key={`${e.path}-${index}`} data-testid="new-rule-error" data-line={e.line ?? ''} data-code={e.code}>
                            {e.line !== null
                              ? t('authority.new.ruleError', {
                                  line: e.line,
                                  rule: draft.rules.split('\n')[e.line - 1]?.trim() ?? '',
                                  problem: t(`authority.ruleErrors.${e.code}`, { defaultValue: e.code }),
                                })
                              : t(`authority.ruleErrors.${e.code}`, { defaultValue: e.code })}
                          </List.Item>
                        ))}
                      </List>
                    </Alert>
                  )}
                </>
              )}
            </Stack>
          </Fieldset>
          {problem?.code !== 'template_invalid' && <FormError error={publish.error} testId="new-error" />}
          {problem?.code === 'template_invalid' && <FormError error={new ApiError(problem.status, problem.code)} testId="new-error" />}
          <Group>
            <Button type="submit" disabled={!ready} loading={publish.isPending} data-testid="new-submit">
              {t('authority.new.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
