"""One implementation per outside system, each fitting a port."""
