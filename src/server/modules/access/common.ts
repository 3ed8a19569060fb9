import type { Scope } from '../../core/auth/permissions.js';
import { type Clock, hongKongDate } from '../../core/clock.js';

/** Today's date in Hong Kong, from the injected clock. */
export const hkToday = (clock: Clock): string => hongKongDate(clock.now());

/** A right as roles store it and audit records show it: `key:scope`. */
export const pairsOf = (grants: readonly { key: string; scope: Scope }[]): string[] => grants.map((g) => `${g.key}:${g.scope}`);

/** The permission keys of `key:scope` pairs. */
export const keysOf = (pairs: readonly string[]): string[] => pairs.map((p) => p.split(':')[0] as string);

/** A person's name as lists show it: English, then Chinese when there is one. */
export const displayName = (en: string, zh: string | null): string => (zh ? `${en} ${zh}` : en);
