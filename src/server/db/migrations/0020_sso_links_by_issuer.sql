-- Single sign-on links are (issuer, subject): a subject means something only at the provider that
-- issued it. Existing links were all made under the school's current issuer, so they keep it; a link
-- whose issuer is no longer the school's is suspended (it matches nobody) until the person links again.
ALTER TABLE users ADD COLUMN sso_issuer text;
UPDATE users u SET sso_issuer = s.sso_issuer FROM schools s WHERE s.id = u.school_id AND u.sso_subject IS NOT NULL;
DROP INDEX users_sso_subject;
CREATE UNIQUE INDEX users_sso_issuer_subject ON users (school_id, sso_issuer, sso_subject) WHERE sso_subject IS NOT NULL;
