-- Brand kits: an organization's colours, fonts, logo and PPTX template; at most one is its default.
-- depends: 0014.exports
CREATE TABLE brand_kits (
    id text PRIMARY KEY,
    organization_id text NOT NULL,
    name text NOT NULL,
    color_primary text NOT NULL,
    color_accent text NOT NULL,
    color_background text NOT NULL,
    color_text text NOT NULL,
    heading_font text NOT NULL,
    body_font text NOT NULL,
    logo_key text NOT NULL DEFAULT '',
    logo_media_type text NOT NULL DEFAULT '',
    logo_size_bytes bigint NOT NULL DEFAULT 0,
    template_key text NOT NULL DEFAULT '',
    template_size_bytes bigint NOT NULL DEFAULT 0,
    is_default integer NOT NULL DEFAULT 0,
    created_at text NOT NULL,
    updated_at text NOT NULL
);
CREATE INDEX brand_kits_by_organization ON brand_kits (organization_id, id DESC);
CREATE UNIQUE INDEX brand_kits_one_default ON brand_kits (organization_id) WHERE is_default = 1;
