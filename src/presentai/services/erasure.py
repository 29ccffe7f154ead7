"""EraseAccount: the right to erasure (GDPR art. 17) for a signed-in user."""

from __future__ import annotations

from datetime import UTC, datetime

from attrs import frozen

from presentai.domain.accounts import Role
from presentai.domain.errors import Conflict, ValidationFailed
from presentai.ports.accounts import (
    ApiKeyRepository,
    AuditLog,
    OrganizationRepository,
    PasswordHasher,
    SessionRepository,
    UserRepository,
)
from presentai.ports.brand_kits import BrandKitRepository
from presentai.ports.repositories import ExportRepository, SourceRepository
from presentai.ports.retrieval import VectorIndex
from presentai.ports.storage import ObjectStore


@frozen
class Erasure:
    """What erasing an account did."""

    user_id: str
    organizations_deleted: tuple[str, ...]
    organizations_left: tuple[str, ...]


class EraseAccount:
    """Delete or anonymise everything personal about a user, and decide nothing silently.

    - An organization the user is the only member of is deleted with all it holds (presentations,
      sources, their vectors, stored files and exports, brand kits with their logos and templates), but
      only when the caller says so (``delete_sole_organizations``); otherwise nothing happens and the
      answer names them.
    - An organization where the user is the only owner but others are members is never deleted
      under them: the user must hand ownership to someone first (409, naming the organizations).
    - Every other membership ends; the user's API keys are revoked and every login ends.
    - Audit entries stay (the organization's record of what happened) with the address erased; the
      actor id stays, pointing at an anonymised account.
    """

    def __init__(
        self,
        *,
        users: UserRepository,
        organizations: OrganizationRepository,
        sessions: SessionRepository,
        api_keys: ApiKeyRepository,
        audit: AuditLog,
        sources: SourceRepository,
        exports: ExportRepository,
        index: VectorIndex,
        store: ObjectStore,
        hasher: PasswordHasher,
        brand_kits: BrandKitRepository | None = None,
    ) -> None:
        self._users = users
        self._organizations = organizations
        self._sessions = sessions
        self._api_keys = api_keys
        self._audit = audit
        self._sources = sources
        self._exports = exports
        self._index = index
        self._store = store
        self._hasher = hasher
        self._brand_kits = brand_kits

    async def __call__(self, user_id: str, password: str, *, delete_sole_organizations: bool = False) -> Erasure:
        """Erase the account; ``ValidationFailed`` for a wrong password or an unconfirmed deletion."""
        user = await self._users.get(user_id)
        if not self._hasher.verify(user.password_hash, password):
            raise ValidationFailed("the password is wrong", {"password": "wrong"})
        sole: list[str] = []
        handover: list[str] = []
        leave: list[str] = []
        for membership in await self._organizations.memberships(user_id):
            members = await self._organizations.members(membership.organization_id)
            owners = [m for m in members if m.role is Role.OWNER]
            if len(members) == 1:
                sole.append(membership.organization_id)
            elif membership.role is Role.OWNER and len(owners) == 1:
                handover.append(membership.organization_id)
            else:
                leave.append(membership.organization_id)
        if handover:
            raise Conflict(
                "you are the only owner of organizations with other members; make someone else an owner first: "
                + ", ".join(handover)
            )
        if sole and not delete_sole_organizations:
            raise ValidationFailed(
                "you are the only member of organizations that would be deleted with everything in them; "
                "confirm with delete_sole_organizations: true (" + ", ".join(sole) + ")",
                {"delete_sole_organizations": "required"},
            )
        for organization_id in sole:
            await self._delete_organization(organization_id)
        for organization_id in leave:
            for key in await self._api_keys.list(organization_id):
                if key.created_by == user_id and key.active:
                    key.revoke()
                    await self._api_keys.save(key)
            await self._organizations.remove_member(organization_id, user_id)
        now = datetime.now(UTC)
        await self._sessions.revoke_user(user_id, now)
        await self._audit.forget_actor(user_id)
        user.anonymise(now)
        await self._users.save(user)
        return Erasure(user_id, tuple(sole), tuple(leave))

    async def _delete_organization(self, organization_id: str) -> None:
        sources = await self._sources.get_many(organization_id, await self._sources.ids(organization_id))
        await self._index.retain_documents(organization_id, [])
        for source in sources:
            if source.storage_key:
                await self._store.delete(source.storage_key)
        for export in await self._exports.for_organization(organization_id):
            if export.storage_key:
                await self._store.delete(export.storage_key)
        if self._brand_kits is not None:  # a kit's logo and template are the organization's files too
            for kit in await self._brand_kits.list(organization_id):
                for stored in kit.files():
                    await self._store.delete(stored.key)
                await self._brand_kits.delete(organization_id, kit.id)
        await self._organizations.remove(organization_id)
