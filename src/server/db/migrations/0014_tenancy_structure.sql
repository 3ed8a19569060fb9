-- Tenancy as structure (DESIGN rule 2), so the database keeps each school's rows to themselves even
-- where a service forgot to check an id.
--
-- 1. One helper makes a table school-owned: forced row-level security, the tenant policy for the
--    application role, the owner's policy, the grants, and a (school_id, id) key that other
--    school-owned tables refer to. Every migration from now on calls it instead of copying the block:
--      SELECT sams_school_table('my_table');
--    and refers to another school-owned table by (school_id, that_id) with
--      SELECT sams_school_reference('my_table', 'that_id', 'other_table');
-- 2. Foreign keys between school-owned tables become composite (school_id, x_id) → (school_id, id).
--    PostgreSQL checks foreign keys without row-level security, so a single-column key let a row of
--    one school point at another school's role, staff record or user.
-- 3. Data exchange rows shared by a school and an authority refer to both sides explicitly.

CREATE FUNCTION sams_school_table(t regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = t AND attname = 'school_id' AND attnotnull AND NOT attisdropped) THEN
    RAISE EXCEPTION 'table % has no NOT NULL school_id column', t;
  END IF;
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY tenant ON %s TO sams_app USING (school_id = app_school()) WITH CHECK (school_id = app_school())', t);
  EXECUTE format('CREATE POLICY system ON %s TO %I USING (true) WITH CHECK (true)', t, current_user);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO sams_app', t);
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = t AND attname = 'id' AND NOT attisdropped) THEN
    PERFORM sams_school_key(t);
  END IF;
END $$;

-- The (school_id, id) key a composite reference needs, once.
CREATE FUNCTION sams_school_key(t regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_constraint c
     WHERE c.conrelid = t AND c.contype IN ('u', 'p')
       AND c.conkey = ARRAY[
         (SELECT attnum FROM pg_attribute WHERE attrelid = t AND attname = 'school_id'),
         (SELECT attnum FROM pg_attribute WHERE attrelid = t AND attname = 'id')]::smallint[]) THEN
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I UNIQUE (school_id, id)', t, (SELECT relname FROM pg_class WHERE oid = t) || '_school_id_id_key');
  END IF;
END $$;

-- `src.col` refers to a row of `dst` of the same school. `on_delete` keeps the old key's action.
-- Rows that already point at another school stop the migration with a sentence saying which.
CREATE FUNCTION sams_school_reference(src regclass, col text, dst regclass, on_delete text DEFAULT '') RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM %s s JOIN %s d ON d.id = s.%I WHERE d.school_id IS DISTINCT FROM s.school_id', src, dst, col) INTO n;
  IF n > 0 THEN
    RAISE EXCEPTION '% row(s) of % refer through % to a row of another school in %; correct or remove them, then start again (docs/operations.md)',
      n, src, col, dst;
  END IF;
  PERFORM sams_school_key(dst);
  EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (school_id, %I) REFERENCES %s (school_id, id) %s',
    src, (SELECT relname FROM pg_class WHERE oid = src) || '_' || col || '_fkey', col, dst, on_delete);
END $$;

-- Only migrations (run by the owner) call these.
REVOKE EXECUTE ON FUNCTION sams_school_table(regclass), sams_school_key(regclass), sams_school_reference(regclass, text, regclass, text) FROM PUBLIC;

-- 2. Every existing single-column reference between school-owned tables becomes composite, keeping
-- its delete action. Left as they are, on purpose: references that cross from a school to the
-- authority that wrote to it (a delivery's message; an exchange log entry's delivery, which each
-- side logs about); those are handled in 3.
DO $$
DECLARE
  r record;
  action text;
BEGIN
  FOR r IN
    SELECT c.conname, c.conrelid::regclass AS src, c.confrelid::regclass AS dst, a.attname AS col, c.confdeltype
      FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
     WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1 AND ra.attname = 'id'
       AND c.connamespace = 'public'::regnamespace
       AND EXISTS (SELECT 1 FROM pg_attribute s WHERE s.attrelid = c.conrelid AND s.attname = 'school_id' AND s.attnotnull)
       AND EXISTS (SELECT 1 FROM pg_attribute d WHERE d.attrelid = c.confrelid AND d.attname = 'school_id')
       AND NOT (c.conrelid = 'exchange_deliveries'::regclass AND a.attname = 'message_id')
       AND NOT (c.conrelid = 'exchange_events'::regclass AND a.attname = 'delivery_id')
     ORDER BY c.conrelid::regclass::text, a.attname
  LOOP
    action := CASE r.confdeltype
      WHEN 'c' THEN 'ON DELETE CASCADE'
      WHEN 'n' THEN format('ON DELETE SET NULL (%I)', r.col)
      WHEN 'r' THEN 'ON DELETE RESTRICT'
      ELSE '' END;
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.src, r.conname);
    PERFORM sams_school_reference(r.src, r.col, r.dst, action);
  END LOOP;
END $$;

-- 3. Shared exchange rows. A delivery's message belongs to the authority that sent it; a package
-- goes back to the authority of its delivery. Both sides are checked by the keys themselves.
SELECT sams_school_key('exchange_messages');
ALTER TABLE exchange_deliveries DROP CONSTRAINT exchange_deliveries_message_id_fkey;
ALTER TABLE exchange_deliveries ADD CONSTRAINT exchange_deliveries_message_id_fkey
  FOREIGN KEY (authority_id, message_id) REFERENCES exchange_messages (school_id, id);
ALTER TABLE exchange_deliveries ADD CONSTRAINT exchange_deliveries_authority_id_id_key UNIQUE (authority_id, id);
ALTER TABLE exchange_packages ADD CONSTRAINT exchange_packages_authority_delivery_fkey
  FOREIGN KEY (authority_id, delivery_id) REFERENCES exchange_deliveries (authority_id, id);
-- Sealed content belongs to the authority that sealed it, and a delivery carries its own authority's content.
ALTER TABLE exchange_contents DROP CONSTRAINT exchange_contents_message_id_fkey;
ALTER TABLE exchange_contents ADD CONSTRAINT exchange_contents_message_id_fkey
  FOREIGN KEY (authority_id, message_id) REFERENCES exchange_messages (school_id, id);
ALTER TABLE exchange_contents ADD CONSTRAINT exchange_contents_authority_id_id_key UNIQUE (authority_id, id);
ALTER TABLE exchange_deliveries DROP CONSTRAINT exchange_deliveries_content_id_fkey;
ALTER TABLE exchange_deliveries ADD CONSTRAINT exchange_deliveries_content_id_fkey
  FOREIGN KEY (authority_id, content_id) REFERENCES exchange_contents (authority_id, id);

-- The exchange log is written by each side about deliveries both see: an entry may name only a
-- delivery the writer can see (the deliveries' own row-level security answers the subquery). The
-- log is an archive: entries are added, never changed or removed.
CREATE POLICY refers_visible ON exchange_events AS RESTRICTIVE FOR INSERT TO sams_app
  WITH CHECK (delivery_id IS NULL OR EXISTS (SELECT 1 FROM exchange_deliveries d WHERE d.id = delivery_id));
REVOKE UPDATE, DELETE ON exchange_events FROM sams_app;
