/**
 * Hong Kong identity card numbers: one or two letters, six digits, and a check character in
 * brackets, e.g. A123456(3). Check: letters A–Z count 10–35 (a missing first letter counts 36),
 * digits as themselves, weights 9…2 (8 characters); the check is 11 − (sum mod 11), where 10 is
 * written A and 11 is written 0.
 */
const HKID_RE = /^([A-Z]{1,2})([0-9]{6})\(?([0-9A])\)?$/;

function checkChar(letters: string, digits: string): string {
  const chars = (letters.length === 1 ? ' ' : '') + letters + digits;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = chars.charAt(i);
    const v = c === ' ' ? 36 : /[A-Z]/.test(c) ? c.charCodeAt(0) - 55 : Number(c);
    sum += v * (9 - i);
  }
  const check = 11 - (sum % 11);
  return check === 11 ? '0' : check === 10 ? 'A' : String(check);
}

/** The normalised form `A123456(3)`, or null when the format or the check character is wrong. */
export function normaliseHkid(input: string): string | null {
  const m = HKID_RE.exec(input.replace(/\s+/g, '').toUpperCase());
  if (!m) return null;
  const [, letters = '', digits = '', check = ''] = m;
  return checkChar(letters, digits) === check ? `${letters}${digits}(${check})` : null;
}

/** For making test and demo data. */
export function hkidWithCheck(letters: string, digits: string): string {
  return `${letters}${digits}(${checkChar(letters, digits)})`;
}

/**
 * STRN (the Education Bureau's student reference number): a letter and seven characters, the last
 * of which may be `A` (e.g. S1234567), written with or without brackets around the last one. Only the
 * format is checked: the Bureau assigns the numbers, and a check-digit rule we cannot confirm here
 * would risk refusing real ones.
 */
export function normaliseStrn(input: string): string | null {
  const m = /^([A-Z])([0-9]{6})\(?([0-9A])\)?$/.exec(input.replace(/\s+/g, '').toUpperCase());
  return m ? `${m[1]}${m[2]}${m[3]}` : null;
}
/** For making test and demo data: a well-formed STRN. */
export function strnWithCheck(letter: string, digits: string): string {
  return `${letter}${digits}${checkChar(letter, digits)}`;
}

/** Least exposure in lists and screens: `A123***(*)`. Other documents show their first 3 characters. */
export function maskId(type: string, idNumber: string): string {
  if (type === 'hkid') {
    const m = /^([A-Z]{1,2}[0-9]{3})/.exec(idNumber);
    return `${m?.[1] ?? ''}***(*)`;
  }
  return `${idNumber.slice(0, 3)}${'*'.repeat(Math.max(3, idNumber.length - 3))}`;
}
