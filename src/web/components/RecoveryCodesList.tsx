import { Button, Code, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The one-time list of recovery codes, with a download as a text file. */
export function RecoveryCodesList({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  const download = () => {
    const text = `${t('recovery.fileHeading')}\n\n${codes.join('\n')}\n`;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'recovery-codes.txt';
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Stack gap="sm">
      <Text>{t('recovery.explain')}</Text>
      <SimpleGrid
        cols={{ base: 1, xs: 2 }}
        spacing="xs"
        component="ol"
        data-testid="recovery-codes"
        style={{ paddingInlineStart: '1.5rem' }}
      >
        {codes.map((code) => (
          <li key={code}>
            <Code data-testid="recovery-code" fz="md">
              {code}
            </Code>
          </li>
        ))}
      </SimpleGrid>
      <Group>
        <Button variant="default" onClick={download} data-testid="recovery-download">
          {t('recovery.download')}
        </Button>
      </Group>
    </Stack>
  );
}
