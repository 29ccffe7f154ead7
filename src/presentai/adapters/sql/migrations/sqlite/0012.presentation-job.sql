-- The job that owns a presentation while it is busy (outline or slides being generated).
-- depends: 0011.email-verification
ALTER TABLE presentations ADD COLUMN job_id text NOT NULL DEFAULT '';
