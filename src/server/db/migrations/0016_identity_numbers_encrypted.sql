-- Identity document numbers encrypted at rest (issue 15, item 7). A copy of the data folder, the WAL
-- or a dump must not show a student's HKID.
--
-- Each school has its own data keys, wrapped (AES-256-GCM) under a sub-key of the server key, the key
-- DESIGN rule 4 gives to what the server must use unattended. A number is stored three ways, none of
-- them plain: sealed under the school's key (read back only by the audited reveal), a keyed hash
-- (HMAC-SHA256, a per-school key derived from the server key) for exact search and duplicates, and
-- the masked form lists show. Numbers stored before this migration are sealed by the server at start
-- (SQL cannot: it has no key), which then empties `id_number`; a later migration may drop the column.

CREATE TABLE school_data_keys (
  school_id uuid NOT NULL REFERENCES schools(id),
  purpose text NOT NULL CHECK (purpose IN ('student_ids')),
  -- The data key sealed under the server key's data-key sub-key, bound to the school and purpose.
  wrapped_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (school_id, purpose)
);
SELECT sams_school_table('school_data_keys');

ALTER TABLE students ALTER COLUMN id_number DROP NOT NULL;
ALTER TABLE students ADD COLUMN id_sealed text;
-- Null only for a number stored before this migration that another student of the school already had.
ALTER TABLE students ADD COLUMN id_hash text;
ALTER TABLE students ADD COLUMN id_masked text;
-- Either still waiting to be sealed at start-up, or sealed with no plain number left beside it.
ALTER TABLE students ADD CONSTRAINT students_id_stored CHECK (
  (id_number IS NULL AND id_sealed IS NOT NULL AND id_masked IS NOT NULL) OR (id_number IS NOT NULL AND id_sealed IS NULL));

-- One HKID is one person: within a school no two students have it (passport and other numbers are
-- issued by many countries, so they are only searchable).
CREATE UNIQUE INDEX students_id_hash_key ON students (school_id, id_hash) WHERE id_type = 'hkid';
-- What the start-up step looks for; empty once every number is sealed.
CREATE INDEX students_id_plain ON students (school_id) WHERE id_number IS NOT NULL;
