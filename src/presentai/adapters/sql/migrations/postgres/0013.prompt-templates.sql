-- Prompt templates as versioned data.
-- depends: 0012.presentation-job
CREATE TABLE prompt_templates (
    id text PRIMARY KEY,
    name text NOT NULL,
    version integer NOT NULL,
    system text NOT NULL,
    active boolean NOT NULL,
    weight integer NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (name, version)
);
