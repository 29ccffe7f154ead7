-- TOTP two-factor sign-in and account erasure (GDPR).
-- depends: 0008.projects
ALTER TABLE users ADD COLUMN mfa_secret text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN mfa_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN mfa_last_step bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN recovery_hashes text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
