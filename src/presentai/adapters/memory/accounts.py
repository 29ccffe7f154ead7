"""In-process account repositories (memory mode and unit tests)."""

from __future__ import annotations

import copy
from datetime import datetime

from attrs import evolve

from presentai.domain.accounts import LAST_OWNER, Invitation, Membership, Organization, Role, User
from presentai.domain.api_keys import ApiKey
from presentai.domain.audit import AuditEntry, AuditQuery
from presentai.domain.errors import Conflict, NotFound
from presentai.domain.sessions import RefreshToken


class InProcessUserRepository:
    """Users in a dict."""

    def __init__(self) -> None:
        self._rows: dict[str, User] = {}

    async def add(self, user: User) -> None:
        """Store a new user."""
        if any(u.email == user.email for u in self._rows.values()):
            raise Conflict("an account with this email already exists")
        self._rows[user.id] = copy.copy(user)

    async def get(self, user_id: str) -> User:
        """The user, or ``NotFound``."""
        if user_id not in self._rows:
            raise NotFound.of("user", user_id)
        return copy.copy(self._rows[user_id])

    async def by_email(self, email: str) -> User | None:
        """The user with this email."""
        found = next((u for u in self._rows.values() if u.email == email), None)
        return copy.copy(found) if found else None

    async def save(self, user: User) -> None:
        """Store the user's current state."""
        self._rows[user.id] = copy.copy(user)


class InProcessOrganizationRepository:
    """Organizations and memberships in dicts."""

    def __init__(self) -> None:
        self._rows: dict[str, Organization] = {}
        self._members: dict[tuple[str, str], Membership] = {}
        self._invites: list[Invitation] = []

    async def add(self, organization: Organization, owner: Membership) -> None:
        """Store a new organization with its owner."""
        if any(o.slug == organization.slug for o in self._rows.values()):
            raise Conflict(f"the slug {organization.slug!r} is taken")
        self._rows[organization.id] = copy.copy(organization)
        self._members[(owner.organization_id, owner.user_id)] = owner

    async def get(self, organization_id: str) -> Organization:
        """The organization, or ``NotFound``."""
        if organization_id not in self._rows:
            raise NotFound.of("organization", organization_id)
        return copy.copy(self._rows[organization_id])

    async def membership(self, organization_id: str, user_id: str) -> Membership | None:
        """The user's membership."""
        return self._members.get((organization_id, user_id))

    async def memberships(self, user_id: str) -> list[Membership]:
        """The user's memberships, oldest organization first."""
        return sorted((m for m in self._members.values() if m.user_id == user_id), key=lambda m: m.organization_id)

    async def members(self, organization_id: str) -> list[Membership]:
        """Every member of the organization."""
        found = (m for m in self._members.values() if m.organization_id == organization_id)
        return sorted(found, key=lambda m: m.user_id)

    async def put_member(self, membership: Membership) -> None:
        """Add a member or change their role."""
        self._members[(membership.organization_id, membership.user_id)] = membership

    async def remove_member(self, organization_id: str, user_id: str) -> None:
        """Remove a member."""
        self._members.pop((organization_id, user_id), None)

    async def save(self, organization: Organization) -> None:
        """Store a changed name, slug or plan."""
        if any(o.slug == organization.slug and o.id != organization.id for o in self._rows.values()):
            raise Conflict(f"the slug {organization.slug!r} is taken")
        self._rows[organization.id] = copy.copy(organization)

    async def remove(self, organization_id: str) -> None:
        """Forget the organization, its members and its invitations."""
        self._rows.pop(organization_id, None)
        self._members = {k: m for k, m in self._members.items() if m.organization_id != organization_id}
        self._invites = [i for i in self._invites if i.organization_id != organization_id]

    async def change_member_keeping_an_owner(self, organization_id: str, user_id: str, role: Role | None) -> None:
        """Change or remove a member, never the last owner (no await inside: atomic in one event loop)."""
        owners = {
            m.user_id for m in self._members.values() if m.organization_id == organization_id and m.role is Role.OWNER
        }
        if user_id in owners and role is not Role.OWNER and len(owners) <= 1:
            raise Conflict(LAST_OWNER)
        if role is None:
            self._members.pop((organization_id, user_id), None)
        elif (organization_id, user_id) in self._members:
            self._members[(organization_id, user_id)] = Membership(organization_id, user_id, role)

    async def invite(self, invitation: Invitation) -> None:
        """Store an invitation."""
        if any((i.organization_id, i.email) == (invitation.organization_id, invitation.email) for i in self._invites):
            raise Conflict(f"{invitation.email} is already invited")
        self._invites.append(invitation)

    async def invitations(self, organization_id: str) -> list[Invitation]:
        """Pending invitations of the organization."""
        return [i for i in self._invites if i.organization_id == organization_id]

    async def invitations_for(self, email: str) -> list[Invitation]:
        """Pending invitations of an email address."""
        return [i for i in self._invites if i.email == email]

    async def take_invitation(self, invitation_id: str, email: str) -> Invitation | None:
        """Remove and return the invitation made to ``email``."""
        found = next((i for i in self._invites if i.id == invitation_id and i.email == email), None)
        if found is not None:
            self._invites.remove(found)
        return found


class InProcessSessionRepository:
    """Refresh tokens in a dict."""

    def __init__(self) -> None:
        self._rows: dict[str, RefreshToken] = {}

    async def add(self, token: RefreshToken) -> None:
        """Store a token."""
        self._rows[token.id] = copy.copy(token)

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        """The token with this hash."""
        found = next((t for t in self._rows.values() if t.token_hash == token_hash), None)
        return copy.copy(found) if found else None

    async def mark_used(self, token_id: str, when: datetime) -> bool:
        """Mark exchanged; False if it already was."""
        token = self._rows[token_id]
        if token.used_at is not None:
            return False
        self._rows[token_id] = evolve(token, used_at=when)
        return True

    async def revoke_family(self, family_id: str, when: datetime) -> None:
        """End a login family."""
        for key, token in self._rows.items():
            if token.family_id == family_id and token.revoked_at is None:
                self._rows[key] = evolve(token, revoked_at=when)

    async def revoke_user(self, user_id: str, when: datetime) -> None:
        """End every login of a user."""
        for key, token in self._rows.items():
            if token.user_id == user_id and token.revoked_at is None:
                self._rows[key] = evolve(token, revoked_at=when)

    async def family_active(self, family_id: str) -> bool:
        """Whether any token of the family is unrevoked."""
        return any(t.family_id == family_id and t.revoked_at is None for t in self._rows.values())


class InProcessApiKeyRepository:
    """API keys in a dict."""

    def __init__(self) -> None:
        self._rows: dict[str, ApiKey] = {}

    async def add(self, key: ApiKey) -> None:
        """Store a new key."""
        self._rows[key.id] = copy.copy(key)

    async def get(self, organization_id: str, key_id: str) -> ApiKey:
        """The organization's key, or ``NotFound``."""
        key = self._rows.get(key_id)
        if key is None or key.organization_id != organization_id:
            raise NotFound.of("API key", key_id)
        return copy.copy(key)

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        """The key with this prefix."""
        found = next((k for k in self._rows.values() if k.prefix == prefix), None)
        return copy.copy(found) if found else None

    async def save(self, key: ApiKey) -> None:
        """Store the key's state."""
        stored = self._rows.get(key.id)
        if stored is None or stored.organization_id != key.organization_id:
            raise NotFound.of("API key", key.id)
        self._rows[key.id] = copy.copy(key)

    async def list(self, organization_id: str) -> list[ApiKey]:
        """The organization's keys, oldest first."""
        return [
            copy.copy(k)
            for k in sorted(self._rows.values(), key=lambda k: k.id)
            if k.organization_id == organization_id
        ]


class InProcessAuditLog:
    """The audit journal in a list."""

    def __init__(self) -> None:
        self._entries: list[AuditEntry] = []

    async def record(self, entry: AuditEntry) -> None:
        """Append an entry."""
        self._entries.append(entry)

    async def forget_actor(self, actor_id: str) -> None:
        """Blank the address of every entry the actor made."""
        self._entries = [evolve(e, ip="") if e.actor_id == actor_id else e for e in self._entries]

    async def query(self, query: AuditQuery) -> list[AuditEntry]:
        """Entries matching the query, newest first."""
        found = [e for e in sorted(self._entries, key=lambda e: e.id, reverse=True) if query.matches(e)]
        return found[: query.limit]
