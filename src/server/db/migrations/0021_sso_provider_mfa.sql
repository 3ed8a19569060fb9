-- Single sign-on: the school may accept the provider's word that a person passed a second factor
-- there (the ID token's `amr` contains, or its `acr` equals, one of the listed values). Off by default:
-- a security role then passes the local second factor after the provider, as before.
ALTER TABLE schools ADD COLUMN sso_mfa_trusted boolean NOT NULL DEFAULT false;
ALTER TABLE schools ADD COLUMN sso_mfa_amr text[] NOT NULL DEFAULT '{}';
ALTER TABLE schools ADD COLUMN sso_mfa_acr text[] NOT NULL DEFAULT '{}';
