-- Optimistic locking: a save must name the revision it read.
-- depends: 0006.presentation-deleted-at
ALTER TABLE presentations ADD COLUMN revision integer NOT NULL DEFAULT 0;
