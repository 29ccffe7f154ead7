"""Progress sinks."""
