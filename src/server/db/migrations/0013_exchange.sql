-- Data exchange with the Education Bureau and the HKEAA (memo O1, O2; DESIGN "Data exchange model").
-- Authorities are organisations like schools (same users, roles, sessions, audit chain), marked by kind.

ALTER TABLE schools ADD COLUMN kind text NOT NULL DEFAULT 'school' CHECK (kind IN ('school', 'authority'));
ALTER TABLE schools ADD COLUMN authority_code text UNIQUE CHECK (authority_code IN ('EDB', 'HKEAA'));
ALTER TABLE schools ADD CONSTRAINT schools_authority_code CHECK ((kind = 'authority') = (authority_code IS NOT NULL));
-- A setup link may be for an authority's first user instead of a new school.
ALTER TABLE setup_tokens ADD COLUMN authority_code text CHECK (authority_code IN ('EDB', 'HKEAA'));

-- The authority's own record of what it published (its content in the clear: the authority wrote it).
CREATE TABLE exchange_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),          -- the authority
  ref_no text NOT NULL UNIQUE,
  category text NOT NULL CHECK (category IN ('headcount', 'enrolment', 'class_subject', 'place_allocation', 'exam_registration', 'general')),
  subject_code text NOT NULL,
  type_code text NOT NULL,
  priority text NOT NULL CHECK (priority IN ('normal', 'high', 'urgent')),
  title_zh text NOT NULL,
  title_en text NOT NULL,
  reference_date date,
  deadline timestamptz NOT NULL,
  audience jsonb NOT NULL,
  content jsonb NOT NULL,
  template jsonb,
  published_by uuid NOT NULL REFERENCES users(id),
  published_at timestamptz NOT NULL
);
CREATE INDEX exchange_messages_school ON exchange_messages (school_id, published_at DESC);

-- The sealed content of a message, stored once however many schools it goes to (each delivery
-- carries only its own wrapped data key). A school sees a content row only through its delivery.
CREATE TABLE exchange_contents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  authority_id uuid NOT NULL REFERENCES schools(id),
  message_id uuid NOT NULL REFERENCES exchange_messages(id),
  ciphertext text NOT NULL,
  created_at timestamptz NOT NULL
);

-- One message to one school: what travels (header in the clear, content encrypted to the school's
-- key) and where it stands. Both sides see the row: the school its inbox, the authority its progress.
CREATE TABLE exchange_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),          -- the recipient school
  authority_id uuid NOT NULL REFERENCES schools(id),
  authority_code text NOT NULL,
  message_id uuid NOT NULL REFERENCES exchange_messages(id),
  -- The recipient as the authority knows it (schools' own rows are theirs alone).
  school_number text NOT NULL,
  school_name_zh text NOT NULL,
  school_name_en text NOT NULL,
  ref_no text NOT NULL,
  category text NOT NULL,
  subject_code text NOT NULL,
  type_code text NOT NULL,
  priority text NOT NULL,
  title_zh text NOT NULL,
  title_en text NOT NULL,
  reference_date date,
  deadline timestamptz NOT NULL,
  has_template boolean NOT NULL,
  content_id uuid NOT NULL REFERENCES exchange_contents(id),
  envelope jsonb NOT NULL,                                 -- { eph, key, keyFingerprint }: the data key wrapped for this school
  state text NOT NULL DEFAULT 'encrypted' CHECK (state IN ('encrypted', 'decrypted', 'decrypt_failed', 'imported', 'import_failed')),
  failure text,
  delivered_at timestamptz NOT NULL,
  opened_at timestamptz,
  preparing_at timestamptz,
  submitted_at timestamptz,
  received_at timestamptz,
  receipt_hash text,
  reminded_at timestamptz,
  reminders integer NOT NULL DEFAULT 0,
  UNIQUE (message_id, school_id)
);
CREATE INDEX exchange_deliveries_school ON exchange_deliveries (school_id, delivered_at DESC);
CREATE INDEX exchange_deliveries_message ON exchange_deliveries (message_id);

-- The school's side of a delivery: the task, its people and the imported content. School only.
CREATE TABLE exchange_tasks (
  delivery_id uuid PRIMARY KEY REFERENCES exchange_deliveries(id),
  school_id uuid NOT NULL REFERENCES schools(id),
  status text NOT NULL DEFAULT 'unassigned' CHECK (status IN ('unassigned', 'assigned', 'in_progress', 'awaiting_approval', 'submitted', 'done')),
  owner_id uuid REFERENCES users(id),
  backup_id uuid REFERENCES users(id),
  checker_id uuid REFERENCES users(id),
  internal_due timestamptz NOT NULL,
  content jsonb,
  arrived_at timestamptz NOT NULL,
  assigned_at timestamptz,
  done_at timestamptz
);
CREATE INDEX exchange_tasks_open ON exchange_tasks (school_id, internal_due) WHERE status NOT IN ('submitted', 'done');

-- Memo O1: the school's procedure per category.
CREATE TABLE exchange_procedures (
  school_id uuid NOT NULL REFERENCES schools(id),
  category text NOT NULL CHECK (category IN ('headcount', 'enrolment', 'class_subject', 'place_allocation', 'exam_registration', 'general')),
  owner_id uuid REFERENCES users(id),
  backup_id uuid REFERENCES users(id),
  checker_id uuid REFERENCES users(id),
  lead_days integer NOT NULL DEFAULT 3 CHECK (lead_days BETWEEN 0 AND 60),
  notes text,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (school_id, category)
);
ALTER TABLE schools ADD COLUMN procedures_reviewed_at timestamptz;
ALTER TABLE schools ADD COLUMN procedures_reviewed_by uuid REFERENCES users(id);

-- A return the school prepares for a delivery: school only, in the clear until it is packaged.
CREATE TABLE exchange_returns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  delivery_id uuid NOT NULL REFERENCES exchange_deliveries(id),
  amendment integer NOT NULL DEFAULT 0,
  state text NOT NULL CHECK (state IN ('draft', 'ready', 'rejected', 'processing', 'sent', 'send_failed', 'received')),
  kind text NOT NULL,
  data jsonb NOT NULL,
  problems jsonb NOT NULL DEFAULT '[]',
  prepared_by uuid REFERENCES users(id),
  approved_by uuid REFERENCES users(id),
  reject_reason text,
  failure text,
  package_hash text,
  receipt_hash text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (delivery_id, amendment)
);

-- What the school sent: encrypted to the authority, signed by the school. Both sides see it.
CREATE TABLE exchange_packages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  authority_id uuid NOT NULL REFERENCES schools(id),
  delivery_id uuid NOT NULL REFERENCES exchange_deliveries(id),
  return_id uuid NOT NULL REFERENCES exchange_returns(id),
  amendment integer NOT NULL,
  -- A refused package stays in the archive; sending the same return again is the next attempt.
  attempt integer NOT NULL DEFAULT 1,
  package jsonb NOT NULL,
  package_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('sent', 'received', 'refused')),
  refused_reason text,
  sent_at timestamptz NOT NULL,
  received_at timestamptz,
  UNIQUE (delivery_id, amendment, attempt)
);
CREATE INDEX exchange_packages_authority ON exchange_packages (authority_id, sent_at DESC);

-- The archive: every state a message or return passed through, on each side's own log.
CREATE TABLE exchange_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  school_id uuid NOT NULL REFERENCES schools(id),
  delivery_id uuid REFERENCES exchange_deliveries(id),
  message_id uuid REFERENCES exchange_messages(id),
  return_id uuid REFERENCES exchange_returns(id),
  event text NOT NULL,
  actor_name text,
  details jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL
);
CREATE INDEX exchange_events_day ON exchange_events (school_id, at);
CREATE INDEX exchange_events_delivery ON exchange_events (delivery_id, at);

-- Personal iCal feeds of one's deadlines: only the secret's hash is kept.
CREATE TABLE calendar_feeds (
  user_id uuid PRIMARY KEY REFERENCES users(id),
  school_id uuid NOT NULL REFERENCES schools(id),
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['exchange_messages', 'exchange_tasks', 'exchange_procedures', 'exchange_returns', 'exchange_events', 'calendar_feeds'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I TO sams_app USING (school_id = app_school()) WITH CHECK (school_id = app_school())', t);
    EXECUTE format('CREATE POLICY system ON %I TO %I USING (true) WITH CHECK (true)', t, current_user);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sams_app', t);
  END LOOP;
  -- Shared between a school and the authority that sent the message; nobody else sees the row.
  FOREACH t IN ARRAY ARRAY['exchange_deliveries', 'exchange_packages'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_read ON %I FOR SELECT TO sams_app USING (school_id = app_school() OR authority_id = app_school())', t);
    EXECUTE format('CREATE POLICY tenant_update ON %I FOR UPDATE TO sams_app USING (school_id = app_school() OR authority_id = app_school()) WITH CHECK (school_id = app_school() OR authority_id = app_school())', t);
    EXECUTE format('CREATE POLICY system ON %I TO %I USING (true) WITH CHECK (true)', t, current_user);
    EXECUTE format('GRANT SELECT ON %I TO sams_app', t);
  END LOOP;
END $$;

-- Who may write what on the shared rows (row-level security says which rows; this says which columns
-- and which side). Only an authority delivers, and only from itself; only the school sends its packages.
CREATE FUNCTION app_is_authority() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce((SELECT kind = 'authority' FROM schools WHERE id = app_school()), false) $$;
CREATE POLICY tenant_insert ON exchange_deliveries FOR INSERT TO sams_app WITH CHECK (authority_id = app_school() AND app_is_authority());
CREATE POLICY tenant_insert ON exchange_packages FOR INSERT TO sams_app WITH CHECK (school_id = app_school() AND NOT app_is_authority());
GRANT INSERT ON exchange_deliveries, exchange_packages TO sams_app;
GRANT UPDATE (state, failure, opened_at, preparing_at, submitted_at, received_at, receipt_hash, reminded_at, reminders, content_id, envelope) ON exchange_deliveries TO sams_app;
GRANT UPDATE (state, refused_reason, received_at) ON exchange_packages TO sams_app;

CREATE FUNCTION exchange_side_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_user <> 'sams_app' THEN RETURN NEW; END IF;
  IF TG_TABLE_NAME = 'exchange_deliveries' THEN
    IF app_school() = OLD.school_id THEN
      -- The school: what it did with the message.
      IF (NEW.received_at, NEW.receipt_hash, NEW.reminded_at, NEW.reminders, NEW.content_id, NEW.envelope)
         IS DISTINCT FROM (OLD.received_at, OLD.receipt_hash, OLD.reminded_at, OLD.reminders, OLD.content_id, OLD.envelope) THEN
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
CREATE TRIGGER exchange_side_guard BEFORE UPDATE ON exchange_deliveries FOR EACH ROW EXECUTE FUNCTION exchange_side_guard();
CREATE TRIGGER exchange_side_guard BEFORE UPDATE ON exchange_packages FOR EACH ROW EXECUTE FUNCTION exchange_side_guard();

ALTER TABLE exchange_contents ENABLE ROW LEVEL SECURITY;
ALTER TABLE exchange_contents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON exchange_contents FOR SELECT TO sams_app
  USING (authority_id = app_school() OR EXISTS (SELECT 1 FROM exchange_deliveries d WHERE d.content_id = exchange_contents.id AND d.school_id = app_school()));
CREATE POLICY tenant_insert ON exchange_contents FOR INSERT TO sams_app WITH CHECK (authority_id = app_school() AND app_is_authority());
CREATE POLICY system ON exchange_contents TO CURRENT_USER USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON exchange_contents TO sams_app;

-- What kind of organisation a row is, and which authority, is the platform's to say, never the organisation's.
CREATE FUNCTION schools_kind_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_user = 'sams_app' AND (NEW.kind, NEW.authority_code, NEW.school_number) IS DISTINCT FROM (OLD.kind, OLD.authority_code, OLD.school_number) THEN
    RAISE EXCEPTION 'an organisation may not change its kind, authority code or number' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER schools_kind_guard BEFORE UPDATE ON schools FOR EACH ROW EXECUTE FUNCTION schools_kind_guard();


-- Arrival: each delivery becomes a task at the school, for the category's owner under the school's
-- procedure (or unassigned), due the lead time before the authority's deadline. A trigger, so that a
-- publication to a thousand schools is one statement and cannot leave a delivery without its task.
CREATE FUNCTION exchange_arrival() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  -- It writes into the recipients' own tables, so it checks what the insert policy cannot see:
  -- the message and its content are the sending authority's, and every recipient is a school.
  IF EXISTS (SELECT 1 FROM new_rows n LEFT JOIN exchange_messages m ON m.id = n.message_id LEFT JOIN exchange_contents c ON c.id = n.content_id
             LEFT JOIN schools s ON s.id = n.school_id
             WHERE m.school_id IS DISTINCT FROM n.authority_id OR c.authority_id IS DISTINCT FROM n.authority_id OR s.kind IS DISTINCT FROM 'school') THEN
    RAISE EXCEPTION 'a delivery must come from its message''s authority and go to a school' USING ERRCODE = '42501';
  END IF;
  INSERT INTO exchange_tasks (delivery_id, school_id, status, owner_id, backup_id, checker_id, internal_due, arrived_at)
  SELECT n.id, n.school_id, CASE WHEN p.owner_id IS NULL THEN 'unassigned' ELSE 'assigned' END, p.owner_id, p.backup_id, p.checker_id,
         n.deadline - make_interval(days => coalesce(p.lead_days, 3)), n.delivered_at
  FROM new_rows n LEFT JOIN exchange_procedures p ON p.school_id = n.school_id AND p.category = n.category;
  INSERT INTO exchange_events (school_id, delivery_id, event, details, at)
  SELECT n.school_id, n.id, 'delivered', jsonb_build_object('refNo', n.ref_no), n.delivered_at FROM new_rows n;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION exchange_arrival() FROM PUBLIC;
CREATE TRIGGER exchange_arrival AFTER INSERT ON exchange_deliveries REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION exchange_arrival();

-- Existing schools' template roles get the exchange permissions their templates now carry.
INSERT INTO role_permissions (school_id, role_id, permission, scope)
SELECT r.school_id, r.id, g.permission, 'school'
FROM roles r
JOIN (VALUES
  ('system_admin', 'exchange.read'), ('system_admin', 'exchange.manage'), ('system_admin', 'exchange.prepare'),
  ('system_admin', 'exchange.approve'), ('system_admin', 'exchange.unlock'),
  ('principal', 'exchange.read'), ('principal', 'exchange.manage'), ('principal', 'exchange.approve'),
  ('vice_principal', 'exchange.read'), ('vice_principal', 'exchange.approve'),
  ('seo', 'exchange.read'), ('seo', 'exchange.manage'), ('seo', 'exchange.prepare'), ('seo', 'exchange.unlock'),
  ('office_staff', 'exchange.read'), ('office_staff', 'exchange.prepare')
) AS g(template_key, permission) ON g.template_key = r.template_key
ON CONFLICT DO NOTHING;
