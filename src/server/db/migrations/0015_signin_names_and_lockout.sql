-- Lockout that cannot be aimed (issue 15, part 6): failed sign-ins are counted per account and
-- source address, so one address's guesses pause only that address; failures spread over many
-- unfamiliar addresses pause unfamiliar addresses only. An address becomes familiar when the person
-- completes a sign-in from it.
ALTER TABLE auth_failures ADD COLUMN source text;
ALTER TABLE auth_failures ADD COLUMN familiar boolean NOT NULL DEFAULT false;
CREATE INDEX auth_failures_user_source ON auth_failures (user_id, source, at);

CREATE TABLE signin_addresses (
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid NOT NULL,
  source text NOT NULL,
  last_success_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, source)
);
SELECT sams_school_table('signin_addresses');
SELECT sams_school_reference('signin_addresses', 'user_id', 'users', 'ON DELETE CASCADE');
