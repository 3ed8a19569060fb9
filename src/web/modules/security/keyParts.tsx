/** Pieces the school key page and its dialogs share: the words box, sections and facts, the status query. */
import { useState, type ReactNode } from 'react';
import { Card, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { HOLDER_ROLES, KEY_WORDS, type IssuedShares, type SchoolKeyStatus, wordsFromText } from '../../../contracts/security-key.js';

export type Status = z.infer<typeof SchoolKeyStatus>;
export type Issued = z.infer<typeof IssuedShares>;
export type HolderRole = (typeof HOLDER_ROLES)[number];

export const STATUS_QUERY = ['school-key'] as const;

/** The 24 words typed or pasted in one box ("1. word" numbering, spaces or new lines between them). */
export function WordsField({
  value,
  onChange,
  testId,
  tried,
}: {
  value: string;
  onChange: (v: string) => void;
  testId: string;
  tried: boolean;
}) {
  const { t } = useTranslation();
  const count = wordsFromText(value).length;
  return (
    <Textarea
      label={t('schoolKey.words')}
      description={t('schoolKey.wordsHint')}
      autosize
      minRows={3}
      maxRows={8}
      autoComplete="off"
      autoCapitalize="none"
      spellCheck={false}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={tried && count !== KEY_WORDS ? t('schoolKey.wordCount', { count, expected: KEY_WORDS }) : undefined}
      data-testid={testId}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
    />
  );
}

/** Words from the box when the key is not unlocked for this session; `undefined` uses the unlocked key. */
export function useWords(unlocked: boolean) {
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const words = wordsFromText(text);
  return {
    field: (testId: string) => (unlocked ? null : <WordsField value={text} onChange={setText} testId={testId} tried={tried} />),
    /** The body's `words`, or null when the count is wrong (the field then says so). */
    take: (): { words?: string[] } | null => {
      setTried(true);
      if (unlocked) return {};
      return words.length === KEY_WORDS ? { words } : null;
    },
    clear: () => {
      setText('');
      setTried(false);
    },
  };
}

export function Section({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Card>
  );
}

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap="xs" wrap="wrap">
      <Text size="sm" fw={700}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Group>
  );
}
