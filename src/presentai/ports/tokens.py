"""Counting tokens the way the language models do."""

from __future__ import annotations

from typing import Protocol


class Tokenizer(Protocol):
    """Counts and trims text in model tokens."""

    @property
    def name(self) -> str:
        """The encoding's name, e.g. ``o200k_base``."""
        ...

    def count(self, text: str) -> int:
        """Number of tokens in ``text``."""
        ...

    def truncate(self, text: str, max_tokens: int) -> str:
        """A prefix of ``text`` within ``max_tokens`` tokens, cut at a token boundary, never inside a character."""
        ...
