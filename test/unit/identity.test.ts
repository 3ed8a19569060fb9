import { describe, expect, it } from 'vitest';
import { hkidWithCheck, maskId, normaliseHkid, normaliseStrn, strnWithCheck } from '../../src/server/modules/school/identity.js';

describe('HKID', () => {
  it('accepts valid numbers with one or two letters, with or without brackets', () => {
    expect(normaliseHkid('A123456(3)')).toBe('A123456(3)');
    expect(normaliseHkid('a1234563')).toBe('A123456(3)');
    expect(normaliseHkid('C668668(E)')).toBe(null);
    expect(normaliseHkid(hkidWithCheck('AB', '987654'))).toBe(hkidWithCheck('AB', '987654'));
    expect(normaliseHkid('G123456(A)')).toBe(hkidWithCheck('G', '123456') === 'G123456(A)' ? 'G123456(A)' : null);
  });
  it('refuses a wrong check digit or format', () => {
    expect(normaliseHkid('A123456(4)')).toBe(null);
    expect(normaliseHkid('123456(3)')).toBe(null);
    expect(normaliseHkid('A12345(3)')).toBe(null);
  });
  it('masks for lists', () => {
    expect(maskId('hkid', 'A123456(3)')).toBe('A123***(*)');
    expect(maskId('passport', 'K12345678')).toBe('K12******');
  });
});

describe('STRN', () => {
  it('checks the format: a letter, six digits and a last digit or A, brackets optional', () => {
    const s = strnWithCheck('S', '123456');
    expect(normaliseStrn(s)).toBe(s);
    expect(normaliseStrn('s123456(7)')).toBe('S1234567');
    expect(normaliseStrn('S12345')).toBe(null);
    expect(normaliseStrn('12345678')).toBe(null);
    expect(normaliseStrn('S12345B7')).toBe(null);
  });
});
