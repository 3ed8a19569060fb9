-- Students' contact particulars (issue 10, item 9): home address (Chinese and English, with the
-- district), the student's own phones, and up to three guardians (names, relationship, phones,
-- e-mail, whether the emergency contact; at most one is). Who sees them in full is the service's
-- rule (`students.contacts.read`, scoped like students.read); the tables only keep them to their
-- school and to one student.

-- One row per student who has any contact particulars; `version` guards an edit against a stale form.
CREATE TABLE student_contacts (
  school_id uuid NOT NULL REFERENCES schools(id),
  student_id uuid NOT NULL,
  address_zh text CHECK (length(address_zh) <= 300),
  address_en text CHECK (length(address_en) <= 300),
  district text CHECK (district IN (
    'central_western', 'wan_chai', 'eastern', 'southern', 'yau_tsim_mong', 'sham_shui_po', 'kowloon_city', 'wong_tai_sin',
    'kwun_tong', 'kwai_tsing', 'tsuen_wan', 'tuen_mun', 'yuen_long', 'north', 'tai_po', 'sha_tin', 'sai_kung', 'islands',
    'outside_hk')),
  -- Phones are stored normalised: a Hong Kong number as its 8 digits, any other as + and its digits.
  home_phone text CHECK (home_phone ~ '^([2-9][0-9]{7}|\+[1-9][0-9]{7,14})$'),
  mobile_phone text CHECK (mobile_phone ~ '^([2-9][0-9]{7}|\+[1-9][0-9]{7,14})$'),
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (school_id, student_id)
);
SELECT sams_school_table('student_contacts');
SELECT sams_school_reference('student_contacts', 'student_id', 'students', 'ON DELETE CASCADE');

-- A student's guardians in the order the school lists them (1–3).
CREATE TABLE student_guardians (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  student_id uuid NOT NULL,
  position smallint NOT NULL CHECK (position BETWEEN 1 AND 3),
  name_zh text CHECK (length(name_zh) <= 100),
  name_en text CHECK (length(name_en) <= 100),
  relationship text NOT NULL CHECK (relationship IN ('father', 'mother', 'grandparent', 'sibling', 'relative', 'guardian', 'other')),
  mobile_phone text CHECK (mobile_phone ~ '^([2-9][0-9]{7}|\+[1-9][0-9]{7,14})$'),
  other_phone text CHECK (other_phone ~ '^([2-9][0-9]{7}|\+[1-9][0-9]{7,14})$'),
  email text CHECK (length(email) <= 254),
  emergency_contact boolean NOT NULL DEFAULT false,
  UNIQUE (school_id, student_id, position),
  CHECK (name_zh IS NOT NULL OR name_en IS NOT NULL),
  -- Someone to call in an emergency has a number to call.
  CHECK (NOT emergency_contact OR mobile_phone IS NOT NULL OR other_phone IS NOT NULL)
);
SELECT sams_school_table('student_guardians');
SELECT sams_school_reference('student_guardians', 'student_id', 'students', 'ON DELETE CASCADE');
-- At most one emergency contact per student.
CREATE UNIQUE INDEX student_guardians_one_emergency ON student_guardians (school_id, student_id) WHERE emergency_contact;
