import type { KeyWindow } from '../../../core/crypto/key-window.js';
import type { ExchangeDeps } from '../../exchange/service.js';

/** What the school key's operations use: the exchange's (its unlock and rewrap) and the unlock window. */
export interface KeyDeps extends ExchangeDeps {
  keyWindow: KeyWindow;
}

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
