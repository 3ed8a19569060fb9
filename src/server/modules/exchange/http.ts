import { z } from 'zod';
import { hongKongDate } from '../../core/clock.js';
import type { Deps } from '../../core/deps.js';
import type { ExchangeDeps } from './common.js';

/** What the exchange's two route sets (the school's and the authority's) share. */

export const NoContent = { 204: z.null() };

export const exchangeDeps = (deps: Deps): ExchangeDeps => ({
  db: deps.db,
  clock: deps.clock,
  smtpConfigured: deps.mailer.configured,
  keyWindow: deps.keyWindow,
});

/** Today in Hong Kong: the default day of the exchange log. */
export const today = (deps: Deps): string => hongKongDate(deps.clock.now());

/** An ASCII fallback for old clients and the real (often Chinese) name in RFC 5987 form. */
export const download = (name: string): string =>
  `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
