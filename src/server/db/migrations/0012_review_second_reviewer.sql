-- Remember who reviews the reviewer's own rights, so a recurring campaign can start by itself.
ALTER TABLE access_reviews ADD COLUMN second_reviewer_id uuid REFERENCES users(id);
