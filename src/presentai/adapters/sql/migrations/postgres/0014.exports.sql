-- Exports of presentations (PPTX, PDF, PNG) and their download links.
-- depends: 0013.prompt-templates
CREATE TABLE exports (
    id text PRIMARY KEY,
    organization_id text NOT NULL,
    presentation_id text NOT NULL REFERENCES presentations (id) ON DELETE CASCADE,
    format text NOT NULL,
    status text NOT NULL,
    requested_by text NOT NULL,
    storage_key text NOT NULL,
    filename text NOT NULL,
    size_bytes bigint NOT NULL,
    download_token text NOT NULL,
    error_message text NOT NULL,
    created_at timestamptz NOT NULL,
    completed_at timestamptz,
    expires_at timestamptz
);
CREATE INDEX exports_by_presentation ON exports (organization_id, presentation_id, id DESC);
