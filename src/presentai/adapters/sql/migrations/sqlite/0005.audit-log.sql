-- The audit journal; ids are time-ordered, so listing newest first is an index scan.
-- depends: 0004.invitations
CREATE TABLE audit_log (
    id text PRIMARY KEY,
    organization_id text NOT NULL,
    actor_id text NOT NULL,
    actor_kind text NOT NULL,
    action text NOT NULL,
    target_type text NOT NULL,
    target_id text NOT NULL,
    ip text NOT NULL,
    request_id text NOT NULL,
    created_at text NOT NULL
);
CREATE INDEX audit_log_by_organization ON audit_log (organization_id, id DESC);
