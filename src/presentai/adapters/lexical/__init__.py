"""Lexical ranking of chunks (BM25)."""
