-- Share links of presentations: the digest of each link's token (the token itself is shown once).
-- depends: 0015.brand-kits
CREATE TABLE share_links (
    id text PRIMARY KEY,
    organization_id text NOT NULL,
    presentation_id text NOT NULL REFERENCES presentations (id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    token_prefix text NOT NULL,
    created_by text NOT NULL,
    show_attributions boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX share_links_by_presentation ON share_links (organization_id, presentation_id, id DESC);
