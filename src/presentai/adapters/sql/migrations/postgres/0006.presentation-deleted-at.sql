-- Soft delete of presentations.
-- depends: 0005.audit-log
ALTER TABLE presentations ADD COLUMN deleted_at timestamptz;
