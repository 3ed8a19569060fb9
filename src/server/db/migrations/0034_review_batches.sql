-- Access reviews (memo U1): decisions are made in batches — one item, every item without a
-- recommendation, every holding of a role — and the reviewer may undo a batch until the review is
-- completed. Each item remembers the batch that decided it; the batch keeps what was chosen.
CREATE TABLE access_review_batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  review_id uuid NOT NULL,
  decided_by uuid NOT NULL,
  decided_at timestamptz NOT NULL,
  decision text NOT NULL CHECK (decision IN ('keep', 'remove')),
  reason text NOT NULL,
  -- What the reviewer chose: {"recommendation": "none"}, {"roleId": "…"}, {"items": 3}.
  selection jsonb NOT NULL DEFAULT '{}',
  items integer NOT NULL CHECK (items > 0),
  undone_at timestamptz,
  undone_by uuid,
  CHECK ((undone_at IS NULL) = (undone_by IS NULL))
);
SELECT sams_school_table('access_review_batches');
SELECT sams_school_reference('access_review_batches', 'review_id', 'access_reviews', 'ON DELETE CASCADE');
SELECT sams_school_reference('access_review_batches', 'decided_by', 'users');
SELECT sams_school_reference('access_review_batches', 'undone_by', 'users');
CREATE INDEX access_review_batches_review ON access_review_batches (school_id, review_id, decided_at DESC);

ALTER TABLE access_review_items ADD COLUMN batch_id uuid;
SELECT sams_school_reference('access_review_items', 'batch_id', 'access_review_batches', 'ON DELETE SET NULL (batch_id)');
CREATE INDEX access_review_items_batch ON access_review_items (batch_id) WHERE batch_id IS NOT NULL;
