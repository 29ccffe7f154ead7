-- The built-in theme every render and export of a presentation is drawn in (light, dark or corporate).
-- depends: 0017.usage-exports
ALTER TABLE presentations ADD COLUMN theme text NOT NULL DEFAULT 'light';
