import { notifications } from '@mantine/notifications';
import i18n from '../i18n/index.js';

/** A green confirmation; its close button is labelled in the current language (axe needs a name). */
export function showSuccess(message: string): void {
  notifications.show({ color: 'green', message, closeButtonProps: { 'aria-label': i18n.t('common.close') } });
}
