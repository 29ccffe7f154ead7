"""Attribution checks: is a quote really in its chunk, and does it support the bullet?"""

from __future__ import annotations

from collections.abc import Mapping

from attrs import evolve

from presentai.domain.slides import Attribution, Bullet
from presentai.domain.sources import Chunk
from presentai.domain.text import STEM_LENGTH, STOPWORDS, numbers, words

# Below this share of a bullet's content words found in its quotes, the bullet is unsupported.
SUPPORT_THRESHOLD = 0.6


def quote_matches(attribution: Attribution, chunk: Chunk) -> bool:
    """True when the attribution's quote is exactly ``chunk.text[start:end]``."""
    return (
        attribution.chunk_id == chunk.id
        and 0 <= attribution.start < attribution.end <= len(chunk.text)
        and chunk.text[attribution.start : attribution.end] == attribution.quote
    )


def support_score(claim: str, quote: str) -> float:
    """How much of ``claim`` the ``quote`` states: share of content words found, 0 if a number is missing."""
    return _Claim(claim).support(quote)


class _Claim:
    """A claim taken apart once: its numbers and the stems of its content words."""

    __slots__ = ("numbers", "stems")

    def __init__(self, claim: str) -> None:
        self.numbers = numbers(claim)
        self.stems = [w[:STEM_LENGTH] for w in words(claim) if w not in STOPWORDS and not w.isdigit()]

    def support(self, quote: str) -> float:
        """See ``support_score``."""
        if self.numbers:
            quote_numbers = set(numbers(quote))
            if any(n not in quote_numbers for n in self.numbers):
                return 0.0
        if not self.stems:
            return 1.0
        stems = {w[:STEM_LENGTH] for w in words(quote)}
        return sum(1 for s in self.stems if s in stems) / len(self.stems)


def assess_bullet(bullet: Bullet, chunks: Mapping[str, Chunk]) -> Bullet:
    """Score each attribution of ``bullet`` and mark the bullet supported or not.

    An attribution whose quote is not found verbatim in its chunk scores 0; the
    bullet is supported when its attributions together state enough of it.
    """
    claim = _Claim(bullet.text)
    scored, supports = [], []
    for attribution in bullet.attributions:
        chunk = chunks.get(attribution.chunk_id)
        valid = chunk is not None and quote_matches(attribution, chunk)
        support = claim.support(attribution.quote) if valid else 0.0
        scored.append(evolve(attribution, score=round(support, 3)))
        supports.append(support)
    quoted = [(a.quote, support) for a, support in zip(scored, supports, strict=True) if a.score > 0]
    joined = " ".join(quote for quote, _ in quoted)
    if not joined:
        combined = 0.0
    elif len(quoted) == 1:
        combined = quoted[0][1]  # the one quote, already scored
    else:
        combined = claim.support(joined)
    return evolve(bullet, attributions=tuple(scored), supported=combined >= SUPPORT_THRESHOLD)
