-- Exports made per organization per month, beside the tokens (metered; a plan may cap them).
-- depends: 0016.shares
ALTER TABLE token_usage ADD COLUMN exports integer NOT NULL DEFAULT 0;
