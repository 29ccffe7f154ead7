"""Sign-in sessions: rotating refresh tokens in families, with reuse detection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from attrs import define

from presentai.domain.errors import Unauthorized
from presentai.domain.ids import new_id

REFRESH_LIFETIME = timedelta(days=30)


@define
class RefreshToken:
    """One refresh token of a login family; only its hash is stored.

    Using a token twice means it was stolen: the whole family (that login on
    every device it reached) is ended.
    """

    id: str
    family_id: str
    user_id: str
    token_hash: str
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    @classmethod
    def issue(cls, user_id: str, token_hash: str, family_id: str = "", now: datetime | None = None) -> RefreshToken:
        """A new token, starting a family unless ``family_id`` continues one."""
        now = now or datetime.now(UTC)
        return cls(new_id(), family_id or new_id(), user_id, token_hash, now + REFRESH_LIFETIME)

    def check_usable(self, now: datetime) -> None:
        """Raise ``Unauthorized`` unless this token may be exchanged now (reuse is checked by the caller)."""
        if self.revoked_at is not None:
            raise Unauthorized("this session has ended; sign in again")
        if now >= self.expires_at:
            raise Unauthorized("the refresh token has expired; sign in again")

    @property
    def reused(self) -> bool:
        """Whether it was already exchanged once."""
        return self.used_at is not None
