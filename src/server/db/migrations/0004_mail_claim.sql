-- A message being sent is claimed for a while, so the SMTP conversation happens outside any
-- transaction and no other process sends it meanwhile.
ALTER TABLE mail_outbox ADD COLUMN claimed_until timestamptz;
