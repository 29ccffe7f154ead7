-- The built-in theme every render and export of a presentation is drawn in (light, dark or corporate).
-- depends: 0016.shares
ALTER TABLE presentations ADD COLUMN theme text NOT NULL DEFAULT 'light';
