-- Which rows of a return were corrected by hand (and whether the student's record was corrected too):
-- kept with the return, carried in the package, and shown to the authority beside each row.
ALTER TABLE exchange_returns ADD COLUMN corrections jsonb NOT NULL DEFAULT '[]'::jsonb;
