import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idHash, idSearchForm } from '../../src/server/modules/school/students/id-at-rest.js';

const key = randomBytes(32);
const SCHOOL_A = '00000000-0000-4000-8000-00000000000a';
const SCHOOL_B = '00000000-0000-4000-8000-00000000000b';

describe('identity numbers: the hashed form', () => {
  it('is one form for every spelling of a number: case, spaces and brackets do not matter', () => {
    expect(idSearchForm('a123456(3)')).toBe('A1234563');
    expect(idSearchForm(' A123456 (3) ')).toBe('A1234563');
    expect(idSearchForm('E1234567')).toBe('E1234567');
    expect(idHash(key, SCHOOL_A, 'a1234563')).toBe(idHash(key, SCHOOL_A, 'A123456(3)'));
  });

  it('differs between numbers, between schools and under another server key', () => {
    const h = idHash(key, SCHOOL_A, 'A123456(3)');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(idHash(key, SCHOOL_A, 'A123457(1)')).not.toBe(h);
    expect(idHash(key, SCHOOL_B, 'A123456(3)')).not.toBe(h);
    expect(idHash(randomBytes(32), SCHOOL_A, 'A123456(3)')).not.toBe(h);
  });
});
