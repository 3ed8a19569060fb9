import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * The Chinese and English names of something a school names (a role, a network zone, a time
 * profile), both required, labelled `<labels>.nameZh` / `<labels>.nameEn`, test ids `<testId>-name-zh|en`.
 */
export function NameFields(props: {
  labels: string;
  testId: string;
  nameZh: string;
  nameEn: string;
  onNameZh(value: string): void;
  onNameEn(value: string): void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextInput
        label={t(`${props.labels}.nameZh`)}
        required
        disabled={props.disabled}
        value={props.nameZh}
        onChange={(e) => props.onNameZh(e.currentTarget.value)}
        data-testid={`${props.testId}-name-zh`}
      />
      <TextInput
        label={t(`${props.labels}.nameEn`)}
        required
        disabled={props.disabled}
        value={props.nameEn}
        onChange={(e) => props.onNameEn(e.currentTarget.value)}
        data-testid={`${props.testId}-name-en`}
      />
    </>
  );
}
