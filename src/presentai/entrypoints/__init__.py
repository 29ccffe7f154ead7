"""Ways in: the Python library facade and the command line (the HTTP service comes later)."""
