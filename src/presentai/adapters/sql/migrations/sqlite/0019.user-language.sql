-- The language a user chose for the web UI's pages ('en' or 'ru'; '' = not chosen: the browser's decides).
-- depends: 0018.presentation-theme
ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT '';
