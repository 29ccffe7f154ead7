"""Erasing an account deletes a sole organization's brand kits and the files they keep."""

from __future__ import annotations

from presentai.adapters.memory.accounts import (
    InProcessApiKeyRepository,
    InProcessAuditLog,
    InProcessOrganizationRepository,
    InProcessSessionRepository,
    InProcessUserRepository,
)
from presentai.adapters.memory.brand_kits import InProcessBrandKitRepository
from presentai.adapters.memory.repositories import InProcessExportRepository, InProcessSourceRepository
from presentai.domain.accounts import Membership, Organization, Role, User
from presentai.domain.brand_kits import BrandKit, StoredFile, logo_key, template_key
from presentai.services.erasure import EraseAccount
from tests.fakes import InMemoryObjectStore, InMemoryVectorIndex


class PlainHasher:
    """Passwords kept as they are: enough to check the right one is asked for."""

    def hash(self, password: str) -> str:
        return password

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == password


async def kept_kit(kits: InProcessBrandKitRepository, store: InMemoryObjectStore, organization_id: str) -> BrandKit:
    kit = BrandKit.create(organization_id, "House style", is_default=True)
    logo = StoredFile(logo_key(kit, "a" * 64, "image/png"), "image/png", 4)
    template = StoredFile(template_key(kit, "b" * 64), "application/vnd.openxmlformats", 4)
    for stored in (logo, template):
        await store.put(stored.key, b"data")
    kit.use_logo(logo)
    kit.use_template(template)
    await kits.add(kit)
    return kit


async def test_erasing_a_sole_organization_deletes_its_brand_kits_logos_and_templates() -> None:
    users, organizations, kits, store = (
        InProcessUserRepository(),
        InProcessOrganizationRepository(),
        InProcessBrandKitRepository(),
        InMemoryObjectStore(),
    )
    user = User.register("anna@example.com", "Anna", "secret password")
    await users.add(user)
    mine, theirs = Organization.found("Anna's"), Organization.found("Someone else's")
    await organizations.add(mine, Membership(mine.id, user.id, Role.OWNER))
    await organizations.add(theirs, Membership(theirs.id, "someone", Role.OWNER))
    kit = await kept_kit(kits, store, mine.id)
    other = await kept_kit(kits, store, theirs.id)
    erase = EraseAccount(
        users=users,
        organizations=organizations,
        sessions=InProcessSessionRepository(),
        api_keys=InProcessApiKeyRepository(),
        audit=InProcessAuditLog(),
        sources=InProcessSourceRepository(),
        exports=InProcessExportRepository(),
        index=InMemoryVectorIndex(),
        store=store,
        hasher=PlainHasher(),
        brand_kits=kits,
    )

    erasure = await erase(user.id, "secret password", delete_sole_organizations=True)

    assert erasure.organizations_deleted == (mine.id,)
    assert await kits.list(mine.id) == []
    assert [not await store.exists(f.key) for f in kit.files()] == [True, True]
    assert [k.id for k in await kits.list(theirs.id)] == [other.id]  # another tenant's kit is untouched
    assert [await store.exists(f.key) for f in other.files()] == [True, True]
