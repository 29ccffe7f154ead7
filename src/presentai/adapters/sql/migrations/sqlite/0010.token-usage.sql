-- Tokens used per organization per month.
-- depends: 0009.user-mfa-and-erasure
CREATE TABLE token_usage (
    organization_id text NOT NULL,
    month text NOT NULL,
    embedding_tokens integer NOT NULL DEFAULT 0,
    input_tokens integer NOT NULL DEFAULT 0,
    output_tokens integer NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, month)
);
