import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { ActionIcon, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDate, parseDateInput } from './format.js';

interface DateFieldProps {
  label?: ReactNode;
  'aria-label'?: string;
  size?: 'xs' | 'sm' | 'md';
  /** 'YYYY-MM-DD', or '' for none. */
  value: string;
  /** 'YYYY-MM-DD' once the text is a date, '' while it is empty or not (yet) a date. */
  onChange: (value: string) => void;
  description?: ReactNode;
  error?: ReactNode;
  required?: boolean;
  disabled?: boolean;
  min?: string;
  max?: string;
  style?: CSSProperties;
  w?: number | string;
  'data-testid'?: string;
}

function CalendarIcon() {
  return (
    <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
      <rect x="3" y="5" width="18" height="16" rx="2" />
      <path d="M16 3v4M8 3v4M3 10h18" />
    </svg>
  );
}

/**
 * The one date field: shows and reads dates as Hong Kong writes them (30/11/2026 in English,
 * 2026年11月30日 in Chinese) whatever the browser's own locale, and hands the page 'YYYY-MM-DD'.
 * A browser's date input cannot do this: its display follows the browser, so en-US shows mm/dd/yyyy.
 * The calendar button opens the browser's own picker for choosing by mouse or touch.
 */
export function DateField({
  label,
  value,
  onChange,
  description,
  error,
  required,
  disabled,
  min,
  max,
  style,
  w,
  size,
  ...rest
}: DateFieldProps) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState(() => formatDate(value, i18n.language));
  const [editing, setEditing] = useState(false);
  const [unreadable, setUnreadable] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  // What the field shows follows the value and the language, except while the person is typing.
  useEffect(() => {
    if (!editing) setText(formatDate(value, i18n.language));
  }, [value, i18n.language, editing]);

  const type = (next: string) => {
    setText(next);
    const day = next.trim() ? parseDateInput(next) : '';
    setUnreadable(day === null);
    onChange(day ?? '');
  };
  const outOfRange = value !== '' && ((min !== undefined && value < min) || (max !== undefined && value > max));
  const openPicker = () => {
    const input = picker.current;
    if (!input) return;
    try {
      input.showPicker();
    } catch {
      input.focus();
    }
  };

  return (
    <div style={{ position: 'relative', ...style }}>
      <TextInput
        label={label}
        description={description}
        required={required}
        disabled={disabled}
        w={w}
        size={size}
        value={text}
        placeholder={t('layout.datePlaceholder')}
        autoComplete="off"
        error={error ?? (unreadable ? t('layout.dateUnreadable') : outOfRange ? t('layout.dateOutOfRange') : undefined)}
        onFocus={() => setEditing(true)}
        onBlur={() => setEditing(false)}
        onChange={(e) => type(e.currentTarget.value)}
        rightSectionPointerEvents="all"
        rightSection={
          <ActionIcon variant="subtle" color="gray" disabled={disabled} aria-label={t('layout.pickDate')} onClick={openPicker}>
            <CalendarIcon />
          </ActionIcon>
        }
        data-value={value}
        {...rest}
      />
      <input
        ref={picker}
        type="date"
        tabIndex={-1}
        aria-hidden="true"
        value={value}
        min={min}
        max={max}
        onChange={(e) => {
          setUnreadable(false);
          onChange(e.currentTarget.value);
        }}
        style={{ position: 'absolute', right: 0, bottom: 0, width: 1, height: 1, opacity: 0, pointerEvents: 'none', border: 0, padding: 0 }}
      />
    </div>
  );
}
