"""Users, organizations, sign-in sessions, and the secrets that protect them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from presentai.domain.accounts import CheckedEmail, Invitation, Membership, Organization, Role, User
from presentai.domain.api_keys import ApiKey
from presentai.domain.audit import AuditEntry, AuditQuery
from presentai.domain.sessions import RefreshToken


class UserRepository(Protocol):
    """People who sign in."""

    async def add(self, user: User) -> None:
        """Store a new user; ``Conflict`` if the email is taken."""
        ...

    async def get(self, user_id: str) -> User:
        """The user, or ``NotFound``."""
        ...

    async def by_email(self, email: str) -> User | None:
        """The user with this (normalised) email, if any."""
        ...

    async def save(self, user: User) -> None:
        """Store the user's current state."""
        ...


class OrganizationRepository(Protocol):
    """Tenants and their memberships."""

    async def add(self, organization: Organization, owner: Membership) -> None:
        """Store a new organization with its first owner; ``Conflict`` if the slug is taken."""
        ...

    async def get(self, organization_id: str) -> Organization:
        """The organization, or ``NotFound``."""
        ...

    async def membership(self, organization_id: str, user_id: str) -> Membership | None:
        """The user's membership of the organization, if any."""
        ...

    async def memberships(self, user_id: str) -> list[Membership]:
        """Every organization the user belongs to, oldest first."""
        ...

    async def members(self, organization_id: str) -> list[Membership]:
        """Every member of the organization."""
        ...

    async def put_member(self, membership: Membership) -> None:
        """Add a member, or change a member's role."""
        ...

    async def remove_member(self, organization_id: str, user_id: str) -> None:
        """Remove a member (removing a non-member is not an error)."""
        ...

    async def change_member_keeping_an_owner(self, organization_id: str, user_id: str, role: Role | None) -> None:
        """Give a member ``role`` (``None``: remove them) in one step that never leaves the organization
        without an owner, even against concurrent changes; ``Conflict`` when it would."""
        ...

    async def invite(self, invitation: Invitation) -> None:
        """Store an invitation; ``Conflict`` if that email is already invited there."""
        ...

    async def invitations(self, organization_id: str) -> list[Invitation]:
        """Pending invitations of the organization."""
        ...

    async def invitations_for(self, email: str) -> list[Invitation]:
        """Pending invitations of an email address, in any organization."""
        ...

    async def save(self, organization: Organization) -> None:
        """Store a changed name, slug or plan; ``Conflict`` if the slug is taken."""
        ...

    async def remove(self, organization_id: str) -> None:
        """Delete the organization and everything it holds: members, invitations, keys, projects,
        presentations with their slides and versions, sources and chunks (vectors and stored files are
        the caller's to delete)."""
        ...

    async def take_invitation(self, invitation_id: str, email: str) -> Invitation | None:
        """Remove and return the invitation, if it exists and was made to ``email``."""
        ...


class SessionRepository(Protocol):
    """Refresh tokens, grouped in login families."""

    async def add(self, token: RefreshToken) -> None:
        """Store a newly issued token."""
        ...

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        """The token with this hash, if any."""
        ...

    async def mark_used(self, token_id: str, when: datetime) -> bool:
        """Mark a token exchanged; False if it already was (a concurrent or repeated use)."""
        ...

    async def revoke_family(self, family_id: str, when: datetime) -> None:
        """End a login family: none of its tokens may be used again."""
        ...

    async def revoke_user(self, user_id: str, when: datetime) -> None:
        """End every login family of a user."""
        ...

    async def family_active(self, family_id: str) -> bool:
        """Whether the login family is still going."""
        ...


class PasswordHasher(Protocol):
    """Slow, salted password hashing."""

    def hash(self, password: str) -> str:
        """A hash to store."""
        ...

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches ``password_hash``."""
        ...


class PasswordStrength(Protocol):
    """Judges how guessable a password is (a dictionary of common ones, patterns, the user's own details)."""

    def weakness(self, password: str, user_inputs: Sequence[str] = ()) -> str | None:
        """Why the password is too easy to guess, or ``None`` if it is not."""
        ...


class EmailAddresses(Protocol):
    """Validates and normalises email addresses."""

    def check(self, email: str) -> CheckedEmail:
        """The canonical address, flagged if confusable; ``ValidationFailed`` when it is not an address."""
        ...


class AccessTokens(Protocol):
    """Short-lived signed access tokens (JWT)."""

    def issue(self, claims: Mapping[str, Any], lifetime_seconds: int | None = None) -> str:
        """A signed token carrying ``claims`` and an expiry (the access lifetime unless one is given)."""
        ...

    def read(self, token: str) -> dict[str, Any]:
        """The claims of a valid token; ``Unauthorized`` if it is forged, malformed or expired."""
        ...


class ApiKeyRepository(Protocol):
    """API keys, scoped to their organization."""

    async def add(self, key: ApiKey) -> None:
        """Store a new key."""
        ...

    async def get(self, organization_id: str, key_id: str) -> ApiKey:
        """The organization's key, or ``NotFound``."""
        ...

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        """The key with this visible prefix, if any."""
        ...

    async def save(self, key: ApiKey) -> None:
        """Store the key's current state."""
        ...

    async def list(self, organization_id: str) -> list[ApiKey]:
        """The organization's keys, oldest first."""
        ...


class AuditLog(Protocol):
    """The organization's journal of state-changing actions."""

    async def record(self, entry: AuditEntry) -> None:
        """Append an entry."""
        ...

    async def forget_actor(self, actor_id: str) -> None:
        """Erase the personal data (the address) of every entry ``actor_id`` made; the entries stay."""
        ...

    async def query(self, query: AuditQuery) -> list[AuditEntry]:
        """Entries matching ``query`` (``created_at`` from ``since`` inclusive to ``until`` exclusive), newest first."""
        ...


class OneTimePasswords(Protocol):
    """Time-based one-time passwords (TOTP, RFC 6238) for two-factor sign-in."""

    def new_secret(self) -> str:
        """A new random shared secret (base32)."""
        ...

    def provisioning_uri(self, secret: str, account: str, issuer: str) -> str:
        """The ``otpauth://`` URI an authenticator app reads (usually from a QR code)."""
        ...

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        """The time step whose code ``code`` is at ``at`` (one step of clock drift either way), or ``None``."""
        ...
