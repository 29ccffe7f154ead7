"""Argon2 password hashing and HS256 JWT access tokens."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import jwt
from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError

from presentai.domain.errors import Unauthorized


class Argon2PasswordHasher:
    """argon2id with the library's recommended parameters."""

    def __init__(self) -> None:
        self._argon2 = Argon2()

    def hash(self, password: str) -> str:
        """A salted hash."""
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether the password matches."""
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


class JwtAccessTokens:
    """HS256-signed JWTs that expire after ``lifetime_seconds``."""

    def __init__(self, secret: str, lifetime_seconds: int = 15 * 60, issuer: str = "presentai") -> None:
        if len(secret) < 32:
            raise ValueError("the JWT secret must be at least 32 characters")
        self._secret = secret
        self._lifetime = lifetime_seconds
        self._issuer = issuer

    def issue(self, claims: Mapping[str, Any], lifetime_seconds: int | None = None) -> str:
        """A signed token with ``iat``, ``exp`` and ``iss`` added."""
        now = int(time.time())
        lifetime = self._lifetime if lifetime_seconds is None else lifetime_seconds
        payload = {**claims, "iat": now, "exp": now + lifetime, "iss": self._issuer}
        return jwt.encode(payload, self._secret, algorithm="HS256")

    def read(self, token: str) -> dict[str, Any]:
        """The claims of a valid token; ``Unauthorized`` for anything else."""
        try:
            return dict(
                jwt.decode(token, self._secret, algorithms=["HS256"], issuer=self._issuer, options={"require": ["exp"]})
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("the access token has expired; refresh it") from error
        except jwt.PyJWTError as error:
            raise Unauthorized("the access token is not valid") from error
