import type { z } from 'zod';
import type { ContactsView, EmergencyContactView, GuardianView } from '../../../contracts/particulars.js';
import { MASKED_ADDRESS, maskEmail, maskName, showPhone } from './contacts-policy.js';
import type { ContactsRow, ContactsValues, GuardianRow, GuardianValues } from './queries/contacts.js';

/** Contact particulars as views, field by field: in full, or masked for someone without the right. */

const masked = <T>(value: T | null, hide: boolean, mask: (v: T) => string): T | string | null =>
  value === null ? null : hide ? mask(value) : value;

export const toGuardianView = (r: GuardianRow, hide: boolean): z.infer<typeof GuardianView> => ({
  nameZh: masked(r.name_zh, hide, maskName),
  nameEn: masked(r.name_en, hide, maskName),
  relationship: r.relationship,
  mobilePhone: showPhone(r.mobile_phone, hide),
  otherPhone: showPhone(r.other_phone, hide),
  email: masked(r.email, hide, maskEmail),
  emergencyContact: r.emergency_contact,
});

export const toContactsView = (r: ContactsRow | undefined, guardians: GuardianRow[], hide: boolean): z.infer<typeof ContactsView> => ({
  masked: hide,
  addressZh: masked(r?.address_zh ?? null, hide, () => MASKED_ADDRESS),
  addressEn: masked(r?.address_en ?? null, hide, () => MASKED_ADDRESS),
  district: r?.district ?? null,
  homePhone: showPhone(r?.home_phone ?? null, hide),
  mobilePhone: showPhone(r?.mobile_phone ?? null, hide),
  guardians: guardians.map((g) => toGuardianView(g, hide)),
  version: r?.version ?? 0,
});

export const toEmergencyContactView = (r: GuardianRow, hide: boolean): z.infer<typeof EmergencyContactView> => ({
  relationship: r.relationship,
  phone: showPhone(r.mobile_phone ?? r.other_phone, hide),
  masked: hide,
});

/** Stored rows in the shape an edit writes, to compare before and after. */
export const toContactsValues = (r: ContactsRow | undefined): ContactsValues => ({
  addressZh: r?.address_zh ?? null,
  addressEn: r?.address_en ?? null,
  district: r?.district ?? null,
  homePhone: r?.home_phone ?? null,
  mobilePhone: r?.mobile_phone ?? null,
});

export const toGuardianValues = (r: GuardianRow): GuardianValues => ({
  nameZh: r.name_zh,
  nameEn: r.name_en,
  relationship: r.relationship,
  mobilePhone: r.mobile_phone,
  otherPhone: r.other_phone,
  email: r.email,
  emergencyContact: r.emergency_contact,
});

/** What the audit log keeps of a guardian: relationship, emergency flag and masked values, never the full ones. */
export const toAuditedGuardian = (g: GuardianValues) => ({
  relationship: g.relationship,
  nameZh: g.nameZh && maskName(g.nameZh),
  nameEn: g.nameEn && maskName(g.nameEn),
  mobilePhone: showPhone(g.mobilePhone, true),
  otherPhone: showPhone(g.otherPhone, true),
  email: g.email && maskEmail(g.email),
  emergencyContact: g.emergencyContact,
});
