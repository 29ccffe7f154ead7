"""The account repository contracts: in-process, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from presentai.adapters.memory.accounts import (
    InProcessApiKeyRepository,
    InProcessAuditLog,
    InProcessOrganizationRepository,
    InProcessSessionRepository,
    InProcessUserRepository,
)
from presentai.adapters.sql.accounts import (
    SqlApiKeyRepository,
    SqlAuditLog,
    SqlOrganizationRepository,
    SqlSessionRepository,
    SqlUserRepository,
)
from presentai.domain.accounts import Membership, Organization, Role, User
from presentai.domain.api_keys import ApiKey, Scope
from presentai.domain.audit import AuditEntry, AuditQuery
from presentai.domain.errors import Conflict, NotFound
from presentai.domain.ids import new_id
from presentai.domain.sessions import RefreshToken
from presentai.ports.accounts import (
    ApiKeyRepository,
    AuditLog,
    OrganizationRepository,
    SessionRepository,
    UserRepository,
)
from tests.conftest import sql_database


@attrs.frozen
class Accounts:
    users: UserRepository
    organizations: OrganizationRepository
    sessions: SessionRepository
    keys: ApiKeyRepository
    audit: AuditLog


@pytest.fixture(params=["in-process", "sqlite", "postgres"])
async def accounts(request: pytest.FixtureRequest) -> AsyncIterator[Accounts]:
    if request.param == "in-process":
        yield Accounts(
            InProcessUserRepository(),
            InProcessOrganizationRepository(),
            InProcessSessionRepository(),
            InProcessApiKeyRepository(),
            InProcessAuditLog(),
        )
        return
    async with sql_database(request, request.param) as database:
        yield Accounts(
            SqlUserRepository(database),
            SqlOrganizationRepository(database),
            SqlSessionRepository(database),
            SqlApiKeyRepository(database),
            SqlAuditLog(database),
        )


def unique_email() -> str:
    return f"user-{new_id()}@example.com"


async def test_users_are_found_by_id_and_email_and_an_email_is_taken_once(accounts: Accounts) -> None:
    email = unique_email()
    user = User.register(email, "Anna", "hash")
    await accounts.users.add(user)
    assert await accounts.users.get(user.id) == user
    assert await accounts.users.by_email(email) == user
    assert await accounts.users.by_email(unique_email()) is None
    with pytest.raises(Conflict):
        await accounts.users.add(User.register(email, "Twin", "hash"))
    with pytest.raises(NotFound):
        await accounts.users.get(new_id())


async def test_an_organization_starts_with_its_owner_and_slugs_are_unique(accounts: Accounts) -> None:
    user = User.register(unique_email(), "Anna", "hash")
    await accounts.users.add(user)
    slug = f"org-{new_id()[-12:]}"
    organization = Organization.found("Northwind", slug=slug)
    await accounts.organizations.add(organization, Membership(organization.id, user.id, Role.OWNER))
    assert (await accounts.organizations.get(organization.id)).slug == slug
    assert await accounts.organizations.membership(organization.id, user.id) == Membership(
        organization.id, user.id, Role.OWNER
    )
    assert await accounts.organizations.memberships(user.id) == [Membership(organization.id, user.id, Role.OWNER)]
    assert await accounts.organizations.membership(organization.id, new_id()) is None
    twin = Organization.found("Other", slug=slug)
    with pytest.raises(Conflict):
        await accounts.organizations.add(twin, Membership(twin.id, user.id, Role.OWNER))


async def test_a_refresh_token_is_marked_used_once_and_families_are_revoked_together(accounts: Accounts) -> None:
    user = User.register(unique_email(), "Anna", "hash")
    await accounts.users.add(user)
    now = datetime.now(UTC).replace(microsecond=0)
    first = RefreshToken.issue(user.id, f"hash-{new_id()}", now=now)
    second = RefreshToken.issue(user.id, f"hash-{new_id()}", first.family_id, now=now)
    other = RefreshToken.issue(user.id, f"hash-{new_id()}", now=now)
    for token in (first, second, other):
        await accounts.sessions.add(token)
    assert await accounts.sessions.by_hash(first.token_hash) == first
    assert await accounts.sessions.mark_used(first.id, now)
    assert not await accounts.sessions.mark_used(first.id, now + timedelta(seconds=1))
    assert (await accounts.sessions.by_hash(first.token_hash)).used_at == now  # type: ignore[union-attr]
    await accounts.sessions.revoke_family(first.family_id, now)
    assert not await accounts.sessions.family_active(first.family_id)
    assert await accounts.sessions.family_active(other.family_id)
    await accounts.sessions.revoke_user(user.id, now)
    assert not await accounts.sessions.family_active(other.family_id)


async def test_api_keys_are_found_by_prefix_scoped_to_their_organization_and_revocable(accounts: Accounts) -> None:
    user = User.register(unique_email(), "Anna", "hash")
    await accounts.users.add(user)
    organization = Organization.found("Keys", slug=f"k-{new_id()[-12:]}")
    await accounts.organizations.add(organization, Membership(organization.id, user.id, Role.OWNER))
    prefix = new_id()[-12:]
    key = ApiKey.create(
        organization_id=organization.id,
        created_by=user.id,
        name="CI",
        scopes=(Scope.PRESENTATIONS_READ, Scope.SOURCES_WRITE),
        prefix=prefix,
        secret_hash="h1",
    )
    await accounts.keys.add(key)
    assert await accounts.keys.by_prefix(prefix) == key
    assert await accounts.keys.list(organization.id) == [key]
    with pytest.raises(NotFound):
        await accounts.keys.get(new_id(), key.id)
    key.rotate(f"{prefix}x", "h2")
    key.revoke()
    await accounts.keys.save(key)
    stored = await accounts.keys.get(organization.id, key.id)
    assert (stored.prefix, stored.secret_hash, stored.active) == (f"{prefix}x", "h2", False)
    assert await accounts.keys.by_prefix(prefix) is None


async def test_two_owners_unmaking_each_other_at_once_leave_one_owner(accounts: Accounts) -> None:
    import asyncio

    from presentai.domain.errors import Conflict

    for _ in range(15):  # repeated, so that the two changes overlap inside the database at least once
        first, second = User.register(unique_email(), "A", "h"), User.register(unique_email(), "B", "h")
        for user in (first, second):
            await accounts.users.add(user)
        organization = Organization.found("Two owners", slug=f"o-{new_id()[-12:]}")
        await accounts.organizations.add(organization, Membership(organization.id, first.id, Role.OWNER))
        await accounts.organizations.put_member(Membership(organization.id, second.id, Role.OWNER))
        outcomes = await asyncio.gather(
            accounts.organizations.change_member_keeping_an_owner(organization.id, first.id, Role.VIEWER),
            accounts.organizations.change_member_keeping_an_owner(organization.id, second.id, Role.VIEWER),
            return_exceptions=True,
        )
        assert sum(isinstance(o, Conflict) for o in outcomes) == 1
        roles = [m.role for m in await accounts.organizations.members(organization.id)]
        assert roles.count(Role.OWNER) == 1


async def test_two_factor_state_and_erasure_are_kept_with_the_user(accounts: Accounts) -> None:
    user = User.register(unique_email(), "Anna", "hash")
    await accounts.users.add(user)
    user.begin_mfa("JBSWY3DPEHPK3PXP")
    user.confirm_mfa(58_000_000, ("a" * 64, "b" * 64))
    user.language = "ru"
    await accounts.users.save(user)
    stored = await accounts.users.get(user.id)
    assert (stored.mfa_secret, stored.mfa_enabled, stored.mfa_last_step) == ("JBSWY3DPEHPK3PXP", True, 58_000_000)
    assert stored.recovery_hashes == ("a" * 64, "b" * 64)
    email = user.email
    stored.anonymise(datetime.now(UTC))
    await accounts.users.save(stored)
    erased = await accounts.users.get(user.id)
    assert erased.deleted_at is not None
    assert (erased.mfa_enabled, erased.recovery_hashes, erased.password_hash) == (False, (), "")
    assert erased.language == ""
    assert email not in (erased.email, erased.name)
    assert await accounts.users.by_email(email) is None
    await accounts.users.add(User.register(email, "Anna again", "hash"))  # the address is free again


async def test_the_chosen_language_is_kept_with_the_user_from_sign_up_to_a_change(accounts: Accounts) -> None:
    user = User.register(unique_email(), "Anna", "hash")
    await accounts.users.add(user)
    assert (await accounts.users.get(user.id)).language == ""  # not chosen: the browser's language decides
    user.language = "ru"
    await accounts.users.save(user)
    assert (await accounts.users.get(user.id)).language == "ru"
    assert (await accounts.users.by_email(user.email)).language == "ru"  # type: ignore[union-attr]
    user.language = "en"
    await accounts.users.save(user)
    assert (await accounts.users.get(user.id)).language == "en"
    russian = User.register(unique_email(), "Boris", "hash")
    russian.language = "ru"
    await accounts.users.add(russian)
    assert (await accounts.users.get(russian.id)).language == "ru"


async def test_removing_an_organization_removes_its_members_and_keeps_other_organizations(accounts: Accounts) -> None:
    user = User.register(unique_email(), "Anna", "hash")
    await accounts.users.add(user)
    doomed, kept = (
        Organization.found("Doomed", f"d-{new_id()[-12:]}"),
        Organization.found("Kept", f"k-{new_id()[-12:]}"),
    )
    await accounts.organizations.add(doomed, Membership(doomed.id, user.id, Role.OWNER))
    await accounts.organizations.add(kept, Membership(kept.id, user.id, Role.OWNER))
    await accounts.organizations.remove(doomed.id)
    with pytest.raises(NotFound):
        await accounts.organizations.get(doomed.id)
    assert [m.organization_id for m in await accounts.organizations.memberships(user.id)] == [kept.id]
    assert await accounts.organizations.members(doomed.id) == []


async def test_the_audit_log_filters_pages_and_forgets_an_actors_address(accounts: Accounts) -> None:
    organization = new_id()
    anna, boris = new_id(), new_id()
    for i in range(5):
        await accounts.audit.record(
            AuditEntry.record(
                organization_id=organization,
                actor_id=anna if i % 2 == 0 else boris,
                actor_kind="user",
                action="presentation.create" if i < 3 else "slide.edit",
                target_type="presentation",
                target_id=f"p{i}",
                ip="203.0.113.7",
                request_id=f"req_{i}",
            )
        )
    newest = await accounts.audit.query(AuditQuery(organization, limit=2))
    assert [e.target_id for e in newest] == ["p4", "p3"]
    older = await accounts.audit.query(AuditQuery(organization, limit=10, before=newest[-1].id))
    assert [e.target_id for e in older] == ["p2", "p1", "p0"]
    assert [e.target_id for e in await accounts.audit.query(AuditQuery(organization, action="slide.edit"))] == [
        "p4",
        "p3",
    ]
    assert len(await accounts.audit.query(AuditQuery(organization, actor_id=anna))) == 3
    assert await accounts.audit.query(AuditQuery(new_id())) == []

    await accounts.audit.forget_actor(anna)
    entries = await accounts.audit.query(AuditQuery(organization, limit=10))
    assert len(entries) == 5  # the record stays
    assert {e.ip for e in entries if e.actor_id == anna} == {""}
    assert {e.ip for e in entries if e.actor_id == boris} == {"203.0.113.7"}


async def test_the_audit_log_lists_entries_from_since_inclusive_to_until_exclusive(accounts: Accounts) -> None:
    organization = new_id()
    noon = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    stamps = {
        "before": noon - timedelta(microseconds=1),
        "at-since": noon,  # since is inclusive
        "inside": noon + timedelta(hours=1, microseconds=250),
        "in-moscow": datetime(2026, 3, 1, 16, 30, tzinfo=timezone(timedelta(hours=3))),  # 13:30 UTC
        "at-until": noon + timedelta(hours=2),  # until is exclusive
    }
    for target, stamp in stamps.items():
        entry = AuditEntry.record(
            organization_id=organization,
            actor_id="u",
            actor_kind="user",
            action="presentation.create",
            target_type="presentation",
            target_id=target,
        )
        await accounts.audit.record(attrs.evolve(entry, created_at=stamp))

    async def targets(**bounds: datetime) -> set[str]:
        return {e.target_id for e in await accounts.audit.query(AuditQuery(organization, limit=10, **bounds))}

    assert await targets(since=noon, until=noon + timedelta(hours=2)) == {"at-since", "inside", "in-moscow"}
    assert await targets(since=noon + timedelta(hours=2)) == {"at-until"}
    assert await targets(until=noon) == {"before"}
    assert await targets(since=datetime(2026, 3, 1, 14, 0), until=datetime(2026, 3, 2)) == {"at-until"}  # naive: UTC
    found = await accounts.audit.query(AuditQuery(organization, limit=10, since=noon))
    assert [e.created_at for e in found if e.target_id == "in-moscow"] == [stamps["in-moscow"]]
