"""Embedding models: local ones shipped in packages, and (later) HTTP services."""
