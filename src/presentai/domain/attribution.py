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
    quote_numbers = set(numbers(quote))
    if any(n not in quote_numbers for n in numbers(claim)):
        return 0.0
    content = [w for w in words(claim) if w not in STOPWORDS and not w.isdigit()]
    if not content:
        return 1.0
    stems = {w[:STEM_LENGTH] for w in words(quote)}
    found = sum(1 for w in content if w[:STEM_LENGTH] in stems)
    return found / len(content)


def assess_bullet(bullet: Bullet, chunks: Mapping[str, Chunk]) -> Bullet:
    """Score each attribution of ``bullet`` and mark the bullet supported or not.

    An attribution whose quote is not found verbatim in its chunk scores 0; the
    bullet is supported when its attributions together state enough of it.
    """
    scored = []
    for attribution in bullet.attributions:
        chunk = chunks.get(attribution.chunk_id)
        valid = chunk is not None and quote_matches(attribution, chunk)
        score = support_score(bullet.text, attribution.quote) if valid else 0.0
        scored.append(evolve(attribution, score=round(score, 3)))
    valid_quotes = " ".join(a.quote for a in scored if a.score > 0)
    combined = support_score(bullet.text, valid_quotes) if valid_quotes else 0.0
    return evolve(bullet, attributions=tuple(scored), supported=combined >= SUPPORT_THRESHOLD)
