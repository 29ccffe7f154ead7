"""Qdrant: the vector index, as a server or in local (embedded) mode."""
