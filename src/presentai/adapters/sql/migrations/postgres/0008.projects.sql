-- Projects, and the project a presentation belongs to.
-- depends: 0007.presentation-revision
CREATE TABLE projects (
    id text PRIMARY KEY,
    organization_id text NOT NULL,
    name text NOT NULL,
    description text NOT NULL,
    archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL
);
CREATE INDEX projects_by_organization ON projects (organization_id, id DESC);
ALTER TABLE presentations ADD COLUMN project_id text NOT NULL DEFAULT '';
CREATE INDEX presentations_by_project ON presentations (organization_id, project_id);
