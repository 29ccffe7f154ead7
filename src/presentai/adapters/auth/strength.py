"""Password strength by zxcvbn: its built-in lists of common passwords, words and names, and its patterns."""

from __future__ import annotations

from collections.abc import Sequence

from zxcvbn import zxcvbn

_CHECKED_CHARS = 72  # zxcvbn refuses longer input; a password whose first 72 characters are strong is strong


class ZxcvbnPasswordStrength:
    """Refuses passwords zxcvbn scores below ``min_score`` (0-4; 2 means under a million guesses is too few).

    The lists ship inside the package: nothing is downloaded, at install or at run time.
    """

    def __init__(self, min_score: int = 2) -> None:
        self._min_score = min_score

    def weakness(self, password: str, user_inputs: Sequence[str] = ()) -> str | None:
        """zxcvbn's warning (or a plain reason) when the score is below the minimum; ``None`` otherwise."""
        result = zxcvbn(password[:_CHECKED_CHARS], user_inputs=[u for u in user_inputs if u])
        if int(result["score"]) >= self._min_score:
            return None
        warning = str(result.get("feedback", {}).get("warning") or "").strip().rstrip(".")
        return warning.lower() if warning else "it is one of the commonest passwords or close to one"
