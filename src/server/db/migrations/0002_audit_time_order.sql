-- Within a chain, time never goes backwards: each record's time is at least its predecessor's
-- (kept in the head). So a period is a range of seq, found with two index lookups, and the viewer
-- pages by seq whatever the filter.
ALTER TABLE audit_heads ADD COLUMN last_at timestamptz;
UPDATE audit_heads h SET last_at = (SELECT max(occurred_at) FROM audit_log l WHERE l.chain_id = h.chain_id);
DROP INDEX audit_log_time;
CREATE INDEX audit_log_time ON audit_log (chain_id, occurred_at, seq);
