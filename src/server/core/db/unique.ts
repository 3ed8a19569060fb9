import type { ErrorCode } from '../../../contracts/errors.js';
import { AppError } from '../errors.js';

/**
 * The one unique-violation mapper: a PostgreSQL unique violation (23505) on a named constraint
 * becomes the clear 409 that names what was taken; any other unique violation is `conflict`;
 * anything else passes through unchanged. Use it as `catch (err) { throw uniqueViolation(err, {...}) }`.
 */
export function uniqueViolation(err: unknown, byConstraint: Readonly<Record<string, ErrorCode>>): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const e = err as { code?: unknown; constraint?: unknown };
  if (e.code !== '23505') return err;
  const constraint = typeof e.constraint === 'string' ? e.constraint : '';
  const code = byConstraint[constraint];
  return new AppError(code ?? 'conflict');
}
