-- API keys: a visible prefix to find them, a hash of the secret, scopes.
-- depends: 0002.accounts
CREATE TABLE api_keys (
    id text PRIMARY KEY,
    organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_by text NOT NULL,
    name text NOT NULL,
    prefix text NOT NULL UNIQUE,
    secret_hash text NOT NULL,
    scopes text NOT NULL,
    created_at text NOT NULL,
    revoked_at text
);
CREATE INDEX api_keys_by_organization ON api_keys (organization_id, id);
