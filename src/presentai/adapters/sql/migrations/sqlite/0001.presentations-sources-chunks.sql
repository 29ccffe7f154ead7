-- Presentations with their slides and append-only slide versions; sources and their chunks.
CREATE TABLE presentations (
    id text PRIMARY KEY,
    organization_id text NOT NULL,
    title text NOT NULL,
    status text NOT NULL,
    parameters text NOT NULL,
    outline text,
    language text NOT NULL,
    warnings text NOT NULL DEFAULT '[]',
    error_message text NOT NULL DEFAULT '',
    created_at text NOT NULL
);
CREATE INDEX presentations_by_organization ON presentations (organization_id, id DESC);

CREATE TABLE presentation_sources (
    presentation_id text NOT NULL REFERENCES presentations (id) ON DELETE CASCADE,
    source_id text NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (presentation_id, source_id)
);

CREATE TABLE slides (
    id text PRIMARY KEY,
    presentation_id text NOT NULL REFERENCES presentations (id) ON DELETE CASCADE,
    position integer NOT NULL,
    outline_index integer
);
CREATE INDEX slides_by_presentation ON slides (presentation_id, position);

CREATE TABLE slide_versions (
    slide_id text NOT NULL REFERENCES slides (id) ON DELETE CASCADE,
    number integer NOT NULL,
    content text NOT NULL,
    reason text NOT NULL,
    created_by text NOT NULL,
    created_at text NOT NULL,
    PRIMARY KEY (slide_id, number)
);

CREATE TABLE sources (
    id text PRIMARY KEY,
    organization_id text NOT NULL,
    presentation_id text NOT NULL,
    filename text NOT NULL,
    size_bytes integer NOT NULL,
    content_hash text NOT NULL,
    storage_key text NOT NULL,
    media_type text NOT NULL,
    title text NOT NULL,
    language text NOT NULL,
    page_count integer,
    status text NOT NULL,
    chunks_created integer NOT NULL,
    error_code text NOT NULL,
    error_message text NOT NULL,
    vector_model text NOT NULL,
    created_at text NOT NULL
);
CREATE INDEX sources_by_organization ON sources (organization_id, id);
CREATE INDEX sources_by_content ON sources (organization_id, content_hash);

CREATE TABLE chunks (
    id text PRIMARY KEY,
    document_id text NOT NULL,
    organization_id text NOT NULL,
    chunk_index integer NOT NULL,
    text text NOT NULL,
    start_offset integer NOT NULL,
    end_offset integer NOT NULL,
    token_count integer NOT NULL,
    page integer,
    page_end integer,
    section text NOT NULL,
    language text NOT NULL,
    page_breaks text NOT NULL,
    sentences text NOT NULL
);
CREATE INDEX chunks_by_document ON chunks (organization_id, document_id, chunk_index);
