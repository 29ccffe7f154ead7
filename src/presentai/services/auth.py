"""Registration, sign-in, rotating refresh and sign-out."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from attrs import frozen

from presentai.domain.accounts import Membership, Organization, Role, User, check_password, normalize_email
from presentai.domain.api_keys import ApiKey, Scope
from presentai.domain.errors import Conflict, Unauthorized, ValidationFailed
from presentai.domain.sessions import RefreshToken
from presentai.ports.accounts import (
    AccessTokens,
    ApiKeyRepository,
    OrganizationRepository,
    PasswordHasher,
    SessionRepository,
    UserRepository,
)

ACCESS_LIFETIME_SECONDS = 15 * 60
_DUMMY_HASH_INPUT = "not-a-real-password"  # verified against when the email is unknown, to even out timing


@frozen
class Tokens:
    """What a successful sign-in or refresh hands back."""

    access_token: str
    refresh_token: str
    expires_in: int = ACCESS_LIFETIME_SECONDS
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret


@frozen
class Principal:
    """Who is calling: a signed-in person, or an API key acting for the member who made it.

    A key is pinned to its ``organization_id`` and limited to its ``scopes``;
    a person has neither limit (``None``).
    """

    user_id: str
    session_family: str = ""
    organization_id: str | None = None
    scopes: frozenset[Scope] | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Authenticator:
    """Accounts and sessions: the one place that issues and checks credentials."""

    def __init__(
        self,
        *,
        users: UserRepository,
        organizations: OrganizationRepository,
        sessions: SessionRepository,
        hasher: PasswordHasher,
        tokens: AccessTokens,
    ) -> None:
        self._users = users
        self._organizations = organizations
        self._sessions = sessions
        self._hasher = hasher
        self._tokens = tokens
        self._dummy_hash = ""

    async def register(self, email: str, password: str, name: str = "") -> tuple[User, Tokens]:
        """A new account with a personal organization it owns, signed in."""
        check_password(password)
        if await self._users.by_email(normalize_email(email)) is not None:
            raise Conflict("an account with this email already exists")
        user = User.register(email, name, self._hasher.hash(password))
        await self._users.add(user)
        organization = Organization.found(f"{user.name}'s workspace", slug=f"u-{user.id[-12:]}")
        await self._organizations.add(organization, Membership(organization.id, user.id, Role.OWNER))
        return user, await self._start_session(user.id)

    async def login(self, email: str, password: str) -> Tokens:
        """Tokens for the right email and password; ``Unauthorized`` otherwise, saying not which was wrong."""
        user = await self._users.by_email(email.strip().lower())
        if user is None:
            self._hasher.verify(self._dummy(), password)
            raise Unauthorized("wrong email or password")
        if not self._hasher.verify(user.password_hash, password):
            raise Unauthorized("wrong email or password")
        return await self._start_session(user.id)

    async def refresh(self, refresh_token: str) -> Tokens:
        """New tokens for a valid refresh token, which is used up; a reused one ends its whole login."""
        now = datetime.now(UTC)
        token = await self._sessions.by_hash(_digest(refresh_token))
        if token is None:
            raise Unauthorized("unknown refresh token")
        token.check_usable(now)
        if token.reused or not await self._sessions.mark_used(token.id, now):
            await self._sessions.revoke_family(token.family_id, now)
            raise Unauthorized("this refresh token was already used; the session has been ended for safety")
        return await self._issue(token.user_id, token.family_id)

    async def update_profile(
        self, user_id: str, *, name: str | None = None, password: str | None = None, current_password: str = ""
    ) -> User:
        """Change the name, or the password (which needs the current one and ends every other login)."""
        user = await self._users.get(user_id)
        if name is not None:
            if not name.strip():
                raise ValidationFailed("the name must not be empty", {"name": "empty"})
            user.name = name.strip()
        if password is not None:
            if not self._hasher.verify(user.password_hash, current_password):
                raise ValidationFailed("the current password is wrong", {"current_password": "wrong"})
            check_password(password)
            user.password_hash = self._hasher.hash(password)
        await self._users.save(user)
        if password is not None:
            await self._sessions.revoke_user(user.id, datetime.now(UTC))
        return user

    async def logout(self, refresh_token: str) -> None:
        """End the login the refresh token belongs to (unknown tokens are ignored)."""
        token = await self._sessions.by_hash(_digest(refresh_token))
        if token is not None:
            await self._sessions.revoke_family(token.family_id, datetime.now(UTC))

    async def logout_all(self, user_id: str) -> None:
        """End every login of the user, on every device."""
        await self._sessions.revoke_user(user_id, datetime.now(UTC))

    async def authenticate(self, access_token: str) -> Principal:
        """The caller of a valid access token whose login is still going; ``Unauthorized`` otherwise."""
        claims = self._tokens.read(access_token)
        if claims.get("type") != "access" or "sub" not in claims or "sid" not in claims:
            raise Unauthorized("not an access token")
        if not await self._sessions.family_active(str(claims["sid"])):
            raise Unauthorized("this session has ended; sign in again")
        return Principal(str(claims["sub"]), str(claims["sid"]))

    async def _start_session(self, user_id: str) -> Tokens:
        return await self._issue(user_id, family_id="")

    async def _issue(self, user_id: str, family_id: str) -> Tokens:
        secret = secrets.token_urlsafe(32)
        token = RefreshToken.issue(user_id, _digest(secret), family_id)
        await self._sessions.add(token)
        access = self._tokens.issue({"sub": user_id, "sid": token.family_id, "type": "access"})
        return Tokens(access, secret)

    def _dummy(self) -> str:
        if not self._dummy_hash:
            self._dummy_hash = self._hasher.hash(_DUMMY_HASH_INPUT)
        return self._dummy_hash


_KEY_PREFIX = "pai_"


class ApiKeys:
    """Creating, rotating, revoking and checking API keys; secrets are shown once and stored hashed."""

    def __init__(self, *, keys: ApiKeyRepository, organizations: OrganizationRepository) -> None:
        self._keys = keys
        self._organizations = organizations

    async def create(
        self, organization_id: str, user_id: str, name: str, scopes: tuple[Scope, ...]
    ) -> tuple[ApiKey, str]:
        """A new key and its secret (the only time the secret is seen)."""
        prefix, secret = self._new_secret()
        key = ApiKey.create(
            organization_id=organization_id,
            created_by=user_id,
            name=name,
            scopes=scopes,
            prefix=prefix,
            secret_hash=_digest(secret),
        )
        await self._keys.add(key)
        return key, secret

    async def rotate(self, organization_id: str, key_id: str) -> tuple[ApiKey, str]:
        """A new secret for the key; the old secret stops working."""
        key = await self._keys.get(organization_id, key_id)
        if not key.active:
            raise Conflict("a revoked key cannot be rotated")
        prefix, secret = self._new_secret()
        key.rotate(prefix, _digest(secret))
        await self._keys.save(key)
        return key, secret

    async def revoke(self, organization_id: str, key_id: str) -> None:
        """Stop the key for good."""
        key = await self._keys.get(organization_id, key_id)
        key.revoke()
        await self._keys.save(key)

    async def authenticate(self, secret: str) -> Principal:
        """The key's principal; ``Unauthorized`` for unknown, revoked or orphaned keys."""
        prefix = secret.removeprefix(_KEY_PREFIX).partition("_")[0] if secret.startswith(_KEY_PREFIX) else ""
        key = await self._keys.by_prefix(prefix) if prefix else None
        if key is None or not secrets.compare_digest(key.secret_hash, _digest(secret)):
            raise Unauthorized("the API key is not valid")
        if not key.active:
            raise Unauthorized("the API key has been revoked")
        if await self._organizations.membership(key.organization_id, key.created_by) is None:
            raise Unauthorized("the API key's creator is no longer a member of its organization")
        return Principal(key.created_by, "", key.organization_id, frozenset(key.scopes))

    @staticmethod
    def _new_secret() -> tuple[str, str]:
        prefix = secrets.token_hex(6)
        return prefix, f"{_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
