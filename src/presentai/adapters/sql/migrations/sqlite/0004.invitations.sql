-- Invitations of email addresses to organizations.
-- depends: 0003.api-keys
CREATE TABLE invitations (
    id text PRIMARY KEY,
    organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email text NOT NULL,
    role text NOT NULL,
    invited_by text NOT NULL,
    created_at text NOT NULL,
    UNIQUE (organization_id, email)
);
CREATE INDEX invitations_by_email ON invitations (email);
