"""Rate limiters: in-process, and Redis for many processes."""
