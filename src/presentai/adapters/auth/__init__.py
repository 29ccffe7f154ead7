"""Credentials: password hashing and signed access tokens."""
