-- When the user proved they read their email address.
-- depends: 0010.token-usage
ALTER TABLE users ADD COLUMN email_verified_at text;
