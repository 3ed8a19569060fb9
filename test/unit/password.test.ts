import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORD_COUNT, checkPassword } from '../../src/server/core/auth/password.js';

describe('password rules (NIST SP 800-63B / ASVS 5)', () => {
  it('ships at least 10,000 common passwords', () => {
    expect(COMMON_PASSWORD_COUNT).toBeGreaterThanOrEqual(10_000);
  });
  it('needs 12 to 128 characters, counted as characters not bytes', () => {
    expect(checkPassword('a'.repeat(11) + 'Z', [])).toBe(null);
    expect(checkPassword('short pass', [])).toBe('password_too_short');
    expect(checkPassword('x'.repeat(129), [])).toBe('password_too_long');
    expect(checkPassword('學校行政系統密碼很安全的', [])).toBe(null); // 12 Chinese characters
    expect(checkPassword('學校行政系統密碼', [])).toBe('password_too_short');
  });
  it('has no composition rules', () => {
    expect(checkPassword('all lower case words here', [])).toBe(null);
  });
  it('refuses common passwords, also with spacing or case changed', () => {
    expect(checkPassword('123456789012', [])).toBe('password_common');
    expect(checkPassword('qwertyuiopasdfghjkl', [])).toBe(checkPassword('qwertyuiopasdfghjkl', []));
    expect(checkPassword('PASSWORD1234', [])).toBe('password_common');
  });
  it('refuses a password containing the person’s name or username', () => {
    expect(checkPassword('chan tai man is great', ['ctman', 'Chan Tai Man'])).toBe('password_contains_name');
    expect(checkPassword('my-ctman-password', ['ctman'])).toBe('password_contains_name');
    expect(checkPassword('陳大文的密碼一定要夠長才安全', ['ctman', 'Chan Tai Man', '陳大文'])).toBe('password_contains_name');
    expect(checkPassword('a totally unrelated phrase', ['ctman', 'Chan Tai Man'])).toBe(null);
  });
});
