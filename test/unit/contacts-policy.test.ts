import { describe, expect, it } from 'vitest';
import { ContactsBody, formatPhone, normalisePhone, Phone } from '../../src/contracts/particulars.js';
import {
  contactsReach,
  guardianProblems,
  maskEmail,
  maskName,
  maskPhone,
  showPhone,
} from '../../src/server/modules/school/contacts-policy.js';

describe('phone numbers', () => {
  it('a Hong Kong number is 8 digits starting 2–9, with or without +852 or 00852, stored as its digits', () => {
    for (const typed of [
      '91234567',
      '9123 4567',
      '9123-4567',
      '+852 9123 4567',
      '+85291234567',
      '00852 9123 4567',
      '(+852) 9123-4567',
      "'91234567",
    ])
      expect(normalisePhone(typed), typed).toBe('91234567');
    expect(normalisePhone('2345 6789')).toBe('23456789');
    for (const bad of ['9123456', '912345678', '1234 5678', '0123 4567', '+852 1234 5678', '+852 9123 456', 'phone', '', '9123 456a'])
      expect(normalisePhone(bad), bad).toBeNull();
  });

  it('another country is + (or 00) and 8–15 digits in all, stored with +', () => {
    expect(normalisePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalisePhone('0086 138 0013 8000')).toBe('+8613800138000');
    expect(normalisePhone("'+1 (212) 555-0123")).toBe('+12125550123');
    for (const bad of ['+1 234', '+0 123 4567 890', '+1234567890123456', '44 20 7946 0958']) expect(normalisePhone(bad), bad).toBeNull();
  });

  it('the Zod field gives the stored form, and is written back for people the way they read it', () => {
    expect(Phone.parse(' +852 6123-4567 ')).toBe('61234567');
    expect(Phone.safeParse('1234 5678').error?.issues[0]?.code).toBe('invalid_format');
    expect(formatPhone('61234567')).toBe('6123 4567');
    expect(formatPhone('+442079460958')).toBe('+442079460958');
  });

  it('the body refuses a bad e-mail, an unknown relationship or district, and a fourth guardian', () => {
    const g = { nameEn: 'Chan Tai Man', relationship: 'father' };
    expect(ContactsBody.safeParse({ guardians: [g], version: 0 }).success).toBe(true);
    expect(ContactsBody.safeParse({ guardians: [{ ...g, email: 'nope' }], version: 0 }).success).toBe(false);
    expect(ContactsBody.safeParse({ guardians: [{ ...g, relationship: 'uncle' }], version: 0 }).success).toBe(false);
    expect(ContactsBody.safeParse({ district: 'Mong Kok', guardians: [], version: 0 }).success).toBe(false);
    expect(ContactsBody.safeParse({ guardians: [g, g, g, g], version: 0 }).success).toBe(false);
  });
});

describe('masking', () => {
  it('keeps enough to recognise, not to call', () => {
    expect(maskPhone('91234567')).toBe('9123 ****');
    expect(maskPhone('+442079460958')).toBe('+4420 ****');
    expect(maskName('陳美玲')).toBe('陳**');
    expect(maskName('Chan Mei Ling')).toBe('C**');
    expect(maskName('𠮷田')).toBe('𠮷**'); // a character outside the BMP is one character
    expect(maskEmail('meiling.chan@example.com')).toBe('m***@example.com');
    expect(maskEmail('@bad')).toBe('***');
    expect(showPhone('91234567', false)).toBe('9123 4567');
    expect(showPhone('91234567', true)).toBe('9123 ****');
    expect(showPhone(null, true)).toBeNull();
  });
});

describe('who sees contacts in full', () => {
  it('nobody without the right; the holder for the whole school or their own classes', () => {
    expect(contactsReach(new Set(['students.read']), new Set())).toBe('none');
    expect(contactsReach(new Set(['students.read', 'students.contacts.read']), new Set())).toBe('school');
    expect(contactsReach(new Set(['students.contacts.read']), new Set(['students.contacts.read']))).toBe('own_classes');
    // students.read limited does not limit the contacts right held for the whole school.
    expect(contactsReach(new Set(['students.read', 'students.contacts.read']), new Set(['students.read']))).toBe('school');
  });
});

describe('guardian rules', () => {
  const g = (extra: object = {}) => ({ nameEn: 'Chan Tai Man', mobilePhone: '91234567', emergencyContact: false, ...extra });

  it('a guardian needs a name in either language', () => {
    expect(guardianProblems([g({ nameEn: null, nameZh: '陳大文' })])).toEqual([]);
    expect(guardianProblems([g({ nameEn: null })])).toEqual([{ path: '/guardians/0/nameEn', code: 'required' }]);
  });

  it('the emergency contact has a phone; any of them, and none marked is allowed', () => {
    expect(guardianProblems([g({ emergencyContact: true, mobilePhone: null, otherPhone: '23456789' })])).toEqual([]);
    expect(guardianProblems([g({ emergencyContact: true, mobilePhone: null })])).toEqual([
      { path: '/guardians/0/mobilePhone', code: 'required' },
    ]);
    expect(guardianProblems([g(), g()])).toEqual([]);
  });

  it('at most one emergency contact: the second is named', () => {
    expect(guardianProblems([g({ emergencyContact: true }), g(), g({ emergencyContact: true })])).toEqual([
      { path: '/guardians/2/emergencyContact', code: 'one_emergency_contact' },
    ]);
  });
});
