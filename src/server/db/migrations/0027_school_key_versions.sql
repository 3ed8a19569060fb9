-- The school key's lifecycle (issue 12 part 1, memo S1): versions, rotation and recovery shares.
--
-- Every version of an organisation's key keeps its public halves and fingerprint (never the key):
-- the one in force is the one not retired, and `schools.key_*` always equals it (rotation changes
-- both in one transaction). Retired versions stay so the authority can verify a package signed
-- while they were in force. What is wrapped to the key records the version that wraps it by the
-- fingerprint it carries (a delivery's `envelope.keyFingerprint`); rotation rewraps everything in
-- the same transaction that retires the old version, so each item opens with exactly one version.

CREATE TABLE school_key_versions (
  school_id uuid NOT NULL REFERENCES schools(id),
  version integer NOT NULL CHECK (version >= 1),
  fingerprint text NOT NULL,
  box_public bytea NOT NULL,
  sign_public bytea NOT NULL,
  created_by uuid,
  -- Who made it, as the audit log names them (`setup` for the first key).
  created_by_name text NOT NULL,
  created_at timestamptz NOT NULL,
  retired_at timestamptz,
  -- How many wrapped items the rotation that made this version rewrapped (null for the first).
  rewrapped integer,
  PRIMARY KEY (school_id, version),
  UNIQUE (school_id, fingerprint)
);
-- One version in force per organisation.
CREATE UNIQUE INDEX school_key_versions_current ON school_key_versions (school_id) WHERE retired_at IS NULL;
SELECT sams_school_table('school_key_versions');
SELECT sams_school_reference('school_key_versions', 'created_by', 'users');
REVOKE DELETE ON school_key_versions FROM sams_app;

-- Every organisation's key as it stands becomes its version 1.
INSERT INTO school_key_versions (school_id, version, fingerprint, box_public, sign_public, created_by_name, created_at)
SELECT id, 1, key_fingerprint, key_box_public, key_sign_public, 'setup', key_created_at FROM schools;

-- An organisation created later (setup, the demo, tests) starts with its key as version 1.
CREATE FUNCTION school_key_first_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO school_key_versions (school_id, version, fingerprint, box_public, sign_public, created_by_name, created_at)
  VALUES (NEW.id, 1, NEW.key_fingerprint, NEW.key_box_public, NEW.key_sign_public, 'setup', NEW.key_created_at);
  RETURN NEW;
END $$;
CREATE TRIGGER school_key_first_version AFTER INSERT ON schools FOR EACH ROW EXECUTE FUNCTION school_key_first_version();

-- Memo S1: the key is changed within the school's period (months).
ALTER TABLE schools ADD COLUMN key_rotation_months integer NOT NULL DEFAULT 12 CHECK (key_rotation_months BETWEEN 1 AND 60);

-- Recovery shares (Shamir, k of n) of one key version. Only a hash of each share is kept: enough to
-- know a holder typed theirs back correctly, nothing towards the key. A new set supersedes the last.
CREATE TABLE school_key_shares (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  set_id uuid NOT NULL,
  key_version integer NOT NULL,
  threshold integer NOT NULL CHECK (threshold >= 2),
  holder_no integer NOT NULL CHECK (holder_no >= 1),
  holder_name text NOT NULL,
  holder_role text NOT NULL CHECK (holder_role IN ('principal', 'system_admin', 'safe', 'other')),
  share_hash bytea NOT NULL,
  issued_by uuid,
  issued_by_name text NOT NULL,
  issued_at timestamptz NOT NULL,
  printed_at timestamptz,
  confirmed_at timestamptz,
  confirmed_by_name text,
  superseded_at timestamptz,
  UNIQUE (set_id, holder_no),
  FOREIGN KEY (school_id, key_version) REFERENCES school_key_versions (school_id, version)
);
CREATE INDEX school_key_shares_set ON school_key_shares (school_id, set_id);
SELECT sams_school_table('school_key_shares');
SELECT sams_school_reference('school_key_shares', 'issued_by', 'users');

-- A school may now change one thing on the authority's side of a delivery: the envelope, when it
-- rewraps the data key to its own key version in force (a rotation). Nothing else changes here.
CREATE OR REPLACE FUNCTION exchange_side_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_user <> 'sams_app' THEN RETURN NEW; END IF;
  IF TG_TABLE_NAME = 'exchange_deliveries' THEN
    IF app_school() = OLD.school_id THEN
      -- The school: what it did with the message, and rewrapping its own data key on rotation.
      IF (NEW.received_at, NEW.receipt_hash, NEW.reminded_at, NEW.reminders, NEW.content_id)
         IS DISTINCT FROM (OLD.received_at, OLD.receipt_hash, OLD.reminded_at, OLD.reminders, OLD.content_id)
         OR (NEW.envelope IS DISTINCT FROM OLD.envelope AND NOT (
           NEW.envelope->>'keyFingerprint' IS DISTINCT FROM OLD.envelope->>'keyFingerprint'
           AND EXISTS (SELECT 1 FROM school_key_versions v
                        WHERE v.school_id = OLD.school_id AND v.fingerprint = NEW.envelope->>'keyFingerprint' AND v.retired_at IS NULL))) THEN
        RAISE EXCEPTION 'a school may not change the authority''s side of a delivery' USING ERRCODE = '42501';
      END IF;
    ELSE
      -- The authority: receipts, reminders, and sending the message again (new envelope, back to encrypted).
      IF (NEW.opened_at, NEW.preparing_at, NEW.submitted_at) IS DISTINCT FROM (OLD.opened_at, OLD.preparing_at, OLD.submitted_at)
         OR (NEW.state IS DISTINCT FROM OLD.state AND NEW.state <> 'encrypted') THEN
        RAISE EXCEPTION 'an authority may not change the school''s side of a delivery' USING ERRCODE = '42501';
      END IF;
    END IF;
  ELSIF app_school() <> OLD.authority_id THEN
    RAISE EXCEPTION 'only the authority answers a package' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$;
