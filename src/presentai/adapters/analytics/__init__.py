"""View analytics of share links: MongoDB ``presentation_analytics`` (buffered in Redis) or a workspace file."""
