import { describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH, bodyFault } from '../../src/server/core/json-body.js';

const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('bodyFault', () => {
  it('takes nesting up to the limit and refuses one level more, arrays and objects alike', () => {
    expect(bodyFault(nest(MAX_BODY_DEPTH))).toBeNull();
    expect(bodyFault(nest(MAX_BODY_DEPTH + 1))).toBe('too_deep');
    expect(bodyFault('{"a":'.repeat(MAX_BODY_DEPTH) + '1' + '}'.repeat(MAX_BODY_DEPTH))).toBeNull();
    expect(bodyFault('{"a":'.repeat(MAX_BODY_DEPTH + 1) + '1' + '}'.repeat(MAX_BODY_DEPTH + 1))).toBe('too_deep');
    // Siblings do not add up: depth is how far in, not how many.
    expect(bodyFault(`[${Array.from({ length: 1000 }, () => nest(10)).join(',')}]`)).toBeNull();
  });

  it('stops at the first level too many, without reading the rest of a huge body', () => {
    const attack = '['.repeat(400_000);
    const t = performance.now();
    expect(bodyFault(attack)).toBe('too_deep');
    expect(performance.now() - t).toBeLessThan(50);
  });

  it('does not count brackets or quotes inside strings', () => {
    expect(bodyFault(JSON.stringify({ note: '['.repeat(500) }))).toBeNull();
    expect(bodyFault(JSON.stringify({ note: 'say "[[[" and \\ then [' + '{'.repeat(100) }))).toBeNull();
    expect(bodyFault(JSON.stringify(['\\', '['.repeat(100)]))).toBeNull();
  });

  it('finds an escaped NUL in a value or a key, but not a backslash followed by the letters u0000', () => {
    expect(bodyFault(JSON.stringify({ name: 'a\u0000b' }))).toBe('nul');
    expect(bodyFault(JSON.stringify({ ['k\u0000']: 1 }))).toBe('nul');
    expect(bodyFault(JSON.stringify({ name: '\\u0000' }))).toBeNull();
    expect(bodyFault(JSON.stringify({ name: 'a\u0001b\u00a0' }))).toBeNull();
  });

  it('follows escapes across strings: an escaped quote does not end a string, a NUL in a later string is found', () => {
    expect(bodyFault(JSON.stringify(['a"b\\', '[[[', 'c\u0000']))).toBe('nul');
    expect(bodyFault(JSON.stringify({ a: 'x\\', b: '\\"', c: '[' }) + '[[[')).toBeNull();
    expect(bodyFault(JSON.stringify({ a: 'x\\', deep: JSON.parse(nest(MAX_BODY_DEPTH)) }))).toBe('too_deep');
  });

  it('reads a string of 200,000 escapes in one pass', () => {
    const text = JSON.stringify({ note: '\n'.repeat(200_000) + '"'.repeat(1000) });
    const t = performance.now();
    expect(bodyFault(text)).toBeNull();
    expect(performance.now() - t).toBeLessThan(500);
  });

  it('leaves malformed text to the parser', () => {
    expect(bodyFault('{"a": "unterminated')).toBeNull();
    expect(bodyFault(']]]]')).toBeNull();
    expect(bodyFault('')).toBeNull();
  });
});
