"""SQL repositories for users, organizations with memberships, and refresh-token sessions."""

from __future__ import annotations

from datetime import UTC, datetime

from presentai.adapters.sql.database import Database, Json, Row, from_json, from_timestamp
from presentai.domain.accounts import Invitation, Membership, Organization, Role, User
from presentai.domain.api_keys import ApiKey, Scope
from presentai.domain.audit import AuditEntry, AuditQuery
from presentai.domain.errors import Conflict, NotFound
from presentai.domain.sessions import RefreshToken


def _user(row: Row) -> User:
    return User(
        row["id"], row["email"], row["name"], row["password_hash"], bool(row["is_platform_admin"]),
        from_timestamp(row["created_at"]),
        mfa_secret=row["mfa_secret"],
        mfa_enabled=bool(row["mfa_enabled"]),
        mfa_last_step=int(row["mfa_last_step"]),
        recovery_hashes=tuple(row["recovery_hashes"].split()),
        deleted_at=from_timestamp(row["deleted_at"]) if row["deleted_at"] else None,
        email_verified_at=from_timestamp(row["email_verified_at"]) if row["email_verified_at"] else None,
        language=row["language"],
    )  # fmt: skip


def _user_state(user: User) -> list[object]:
    return [
        user.email, user.name, user.password_hash, user.is_platform_admin, user.mfa_secret, user.mfa_enabled,
        user.mfa_last_step, " ".join(user.recovery_hashes), user.deleted_at, user.email_verified_at, user.language,
    ]  # fmt: skip


_USER_COLUMNS = (
    "email, name, password_hash, is_platform_admin, mfa_secret, mfa_enabled, mfa_last_step, recovery_hashes,"
    " deleted_at, email_verified_at, language"
)


class SqlUserRepository:
    """Users in SQL; emails are unique."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, user: User) -> None:
        """Store a new user."""
        try:
            async with self._database.transaction() as session:
                values = [user.id, user.created_at, *_user_state(user)]
                placeholders = ", ".join(["%s"] * len(values))
                await session.execute(
                    f"INSERT INTO users (id, created_at, {_USER_COLUMNS}) VALUES ({placeholders})", values
                )
        except Conflict as error:
            raise Conflict("an account with this email already exists") from error

    async def get(self, user_id: str) -> User:
        """The user, or ``NotFound``."""
        async with self._database.read() as session:
            rows = await session.fetch("SELECT * FROM users WHERE id = %s", [user_id])
        if not rows:
            raise NotFound.of("user", user_id)
        return _user(rows[0])

    async def by_email(self, email: str) -> User | None:
        """The user with this email, if any."""
        async with self._database.read() as session:
            rows = await session.fetch("SELECT * FROM users WHERE email = %s", [email])
        return _user(rows[0]) if rows else None

    async def save(self, user: User) -> None:
        """Store the user's current state."""
        async with self._database.transaction() as session:
            assignments = ", ".join(f"{column.strip()} = %s" for column in _USER_COLUMNS.split(","))
            await session.execute(f"UPDATE users SET {assignments} WHERE id = %s", [*_user_state(user), user.id])


class SqlOrganizationRepository:
    """Organizations and memberships in SQL; slugs are unique."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, organization: Organization, owner: Membership) -> None:
        """Store a new organization with its first owner."""
        try:
            async with self._database.transaction() as session:
                await session.execute(
                    "INSERT INTO organizations (id, name, slug, plan, created_at) VALUES (%s, %s, %s, %s, %s)",
                    [organization.id, organization.name, organization.slug, organization.plan, organization.created_at],
                )
                await session.execute(
                    "INSERT INTO memberships (organization_id, user_id, role) VALUES (%s, %s, %s)",
                    [owner.organization_id, owner.user_id, owner.role.value],
                )
        except Conflict as error:
            raise Conflict(f"the slug {organization.slug!r} is taken") from error

    async def get(self, organization_id: str) -> Organization:
        """The organization, or ``NotFound``."""
        async with self._database.read() as session:
            rows = await session.fetch("SELECT * FROM organizations WHERE id = %s", [organization_id])
        if not rows:
            raise NotFound.of("organization", organization_id)
        row = rows[0]
        return Organization(row["id"], row["name"], row["slug"], row["plan"], from_timestamp(row["created_at"]))

    async def membership(self, organization_id: str, user_id: str) -> Membership | None:
        """The user's membership, if any."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM memberships WHERE organization_id = %s AND user_id = %s", [organization_id, user_id]
            )
        return Membership(rows[0]["organization_id"], user_id, Role(rows[0]["role"])) if rows else None

    async def memberships(self, user_id: str) -> list[Membership]:
        """The user's memberships, oldest organization first."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM memberships WHERE user_id = %s ORDER BY organization_id", [user_id]
            )
        return [Membership(r["organization_id"], user_id, Role(r["role"])) for r in rows]

    async def members(self, organization_id: str) -> list[Membership]:
        """Every member of the organization."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM memberships WHERE organization_id = %s ORDER BY user_id", [organization_id]
            )
        return [Membership(organization_id, r["user_id"], Role(r["role"])) for r in rows]

    async def put_member(self, membership: Membership) -> None:
        """Add a member or change their role."""
        async with self._database.transaction() as session:
            await session.execute(
                "INSERT INTO memberships (organization_id, user_id, role) VALUES (%s, %s, %s)"
                " ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role",
                [membership.organization_id, membership.user_id, membership.role.value],
            )

    async def remove_member(self, organization_id: str, user_id: str) -> None:
        """Remove a member."""
        async with self._database.transaction() as session:
            await session.execute(
                "DELETE FROM memberships WHERE organization_id = %s AND user_id = %s", [organization_id, user_id]
            )

    async def save(self, organization: Organization) -> None:
        """Store a changed name, slug or plan."""
        try:
            async with self._database.transaction() as session:
                await session.execute(
                    "UPDATE organizations SET name = %s, slug = %s, plan = %s WHERE id = %s",
                    [organization.name, organization.slug, organization.plan, organization.id],
                )
        except Conflict as error:
            raise Conflict(f"the slug {organization.slug!r} is taken") from error

    async def remove(self, organization_id: str) -> None:
        """Delete the organization and every row it holds, in one transaction (slides, versions, members,
        keys and invitations go by their foreign keys' cascades)."""
        async with self._database.transaction() as session:
            for table in ("chunks", "sources", "presentations", "projects", "token_usage", "brand_kits"):
                await session.execute(f"DELETE FROM {table} WHERE organization_id = %s", [organization_id])
            await session.execute("DELETE FROM organizations WHERE id = %s", [organization_id])

    async def change_member_keeping_an_owner(self, organization_id: str, user_id: str, role: Role | None) -> None:
        """Change or remove a member while holding the owners' rows, so two owners cannot unmake each other."""
        async with self._database.transaction() as session:
            owners = await session.fetch(
                "SELECT user_id FROM memberships WHERE organization_id = %s AND role = %s" + self._database.row_lock,
                [organization_id, Role.OWNER.value],
            )
            owner_ids = {row["user_id"] for row in owners}
            if user_id in owner_ids and role is not Role.OWNER and len(owner_ids) <= 1:
                raise Conflict(
                    "the organization's last owner cannot be removed or demoted; make someone else owner first"
                )
            if role is None:
                await session.execute(
                    "DELETE FROM memberships WHERE organization_id = %s AND user_id = %s", [organization_id, user_id]
                )
            else:
                await session.execute(
                    "UPDATE memberships SET role = %s WHERE organization_id = %s AND user_id = %s",
                    [role.value, organization_id, user_id],
                )

    async def invite(self, invitation: Invitation) -> None:
        """Store an invitation."""
        try:
            async with self._database.transaction() as session:
                await session.execute(
                    "INSERT INTO invitations (id, organization_id, email, role, invited_by, created_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    [
                        invitation.id, invitation.organization_id, invitation.email, invitation.role.value,
                        invitation.invited_by, invitation.created_at,
                    ],
                )  # fmt: skip
        except Conflict as error:
            raise Conflict(f"{invitation.email} is already invited") from error

    async def invitations(self, organization_id: str) -> list[Invitation]:
        """Pending invitations of the organization."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM invitations WHERE organization_id = %s ORDER BY id", [organization_id]
            )
        return [_invitation(r) for r in rows]

    async def invitations_for(self, email: str) -> list[Invitation]:
        """Pending invitations of an email address."""
        async with self._database.read() as session:
            rows = await session.fetch("SELECT * FROM invitations WHERE email = %s ORDER BY id", [email])
        return [_invitation(r) for r in rows]

    async def take_invitation(self, invitation_id: str, email: str) -> Invitation | None:
        """Remove and return the invitation made to ``email``."""
        async with self._database.transaction() as session:
            rows = await session.fetch(
                "DELETE FROM invitations WHERE id = %s AND email = %s RETURNING *", [invitation_id, email]
            )
        return _invitation(rows[0]) if rows else None


def _invitation(row: Row) -> Invitation:
    return Invitation(
        row["id"], row["organization_id"], row["email"], Role(row["role"]), row["invited_by"],
        from_timestamp(row["created_at"]),
    )  # fmt: skip


def _token(row: Row) -> RefreshToken:
    return RefreshToken(
        row["id"],
        row["family_id"],
        row["user_id"],
        row["token_hash"],
        from_timestamp(row["expires_at"]),
        from_timestamp(row["used_at"]) if row["used_at"] else None,
        from_timestamp(row["revoked_at"]) if row["revoked_at"] else None,
    )


class SqlSessionRepository:
    """Refresh tokens in SQL."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, token: RefreshToken) -> None:
        """Store a newly issued token."""
        async with self._database.transaction() as session:
            await session.execute(
                "INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at)"
                " VALUES (%s, %s, %s, %s, %s)",
                [token.id, token.family_id, token.user_id, token.token_hash, token.expires_at],
            )

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        """The token with this hash."""
        async with self._database.read() as session:
            rows = await session.fetch("SELECT * FROM refresh_tokens WHERE token_hash = %s", [token_hash])
        return _token(rows[0]) if rows else None

    async def mark_used(self, token_id: str, when: datetime) -> bool:
        """Mark exchanged, atomically: only the first of two concurrent uses wins."""
        async with self._database.transaction() as session:
            rows = await session.fetch(
                "UPDATE refresh_tokens SET used_at = %s WHERE id = %s AND used_at IS NULL RETURNING id",
                [when, token_id],
            )
        return bool(rows)

    async def revoke_family(self, family_id: str, when: datetime) -> None:
        """End a login family."""
        async with self._database.transaction() as session:
            await session.execute(
                "UPDATE refresh_tokens SET revoked_at = %s WHERE family_id = %s AND revoked_at IS NULL",
                [when, family_id],
            )

    async def revoke_user(self, user_id: str, when: datetime) -> None:
        """End every login family of a user."""
        async with self._database.transaction() as session:
            await session.execute(
                "UPDATE refresh_tokens SET revoked_at = %s WHERE user_id = %s AND revoked_at IS NULL", [when, user_id]
            )

    async def family_active(self, family_id: str) -> bool:
        """Whether any token of the family is unrevoked."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT 1 FROM refresh_tokens WHERE family_id = %s AND revoked_at IS NULL LIMIT 1", [family_id]
            )
        return bool(rows)


def _key(row: Row) -> ApiKey:
    return ApiKey(
        id=row["id"],
        organization_id=row["organization_id"],
        created_by=row["created_by"],
        name=row["name"],
        prefix=row["prefix"],
        secret_hash=row["secret_hash"],
        scopes=tuple(Scope(s) for s in from_json(row["scopes"])),
        created_at=from_timestamp(row["created_at"]),
        revoked_at=from_timestamp(row["revoked_at"]) if row["revoked_at"] else None,
    )


class SqlApiKeyRepository:
    """API keys in SQL; prefixes are unique."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, key: ApiKey) -> None:
        """Store a new key."""
        async with self._database.transaction() as session:
            await session.execute(
                "INSERT INTO api_keys (id, organization_id, created_by, name, prefix, secret_hash, scopes, created_at,"
                " revoked_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    key.id, key.organization_id, key.created_by, key.name, key.prefix, key.secret_hash,
                    Json([s.value for s in key.scopes]), key.created_at, key.revoked_at,
                ],
            )  # fmt: skip

    async def get(self, organization_id: str, key_id: str) -> ApiKey:
        """The organization's key, or ``NotFound``."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM api_keys WHERE id = %s AND organization_id = %s", [key_id, organization_id]
            )
        if not rows:
            raise NotFound.of("API key", key_id)
        return _key(rows[0])

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        """The key with this prefix."""
        async with self._database.read() as session:
            rows = await session.fetch("SELECT * FROM api_keys WHERE prefix = %s", [prefix])
        return _key(rows[0]) if rows else None

    async def save(self, key: ApiKey) -> None:
        """Store the key's name, secret and state."""
        async with self._database.transaction() as session:
            await session.execute(
                "UPDATE api_keys SET name = %s, prefix = %s, secret_hash = %s, revoked_at = %s"
                " WHERE id = %s AND organization_id = %s",
                [key.name, key.prefix, key.secret_hash, key.revoked_at, key.id, key.organization_id],
            )

    async def list(self, organization_id: str) -> list[ApiKey]:
        """The organization's keys, oldest first."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM api_keys WHERE organization_id = %s ORDER BY id", [organization_id]
            )
        return [_key(row) for row in rows]


_AUDIT_COLUMNS = "id, organization_id, actor_id, actor_kind, action, target_type, target_id, ip, request_id, created_at"


class SqlAuditLog:
    """The audit journal in SQL."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def record(self, entry: AuditEntry) -> None:
        """Append an entry."""
        async with self._database.transaction() as session:
            await session.execute(
                f"INSERT INTO audit_log ({_AUDIT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    entry.id, entry.organization_id, entry.actor_id, entry.actor_kind, entry.action,
                    entry.target_type, entry.target_id, entry.ip, entry.request_id, entry.created_at.astimezone(UTC),
                ],
            )  # fmt: skip

    async def forget_actor(self, actor_id: str) -> None:
        """Blank the address of every entry the actor made."""
        async with self._database.transaction() as session:
            await session.execute("UPDATE audit_log SET ip = '' WHERE actor_id = %s", [actor_id])

    async def query(self, query: AuditQuery) -> list[AuditEntry]:
        """Entries matching the query, newest first."""
        sql = f"SELECT {_AUDIT_COLUMNS} FROM audit_log WHERE organization_id = %s"
        params: list[object] = [query.organization_id]
        # created_at is timestamptz in PostgreSQL and ISO 8601 text in UTC in SQLite, where text order is time order
        for column, value in (
            ("id <", query.before),
            ("action =", query.action),
            ("actor_id =", query.actor_id),
            ("created_at >=", query.since),
            ("created_at <", query.until),
        ):
            if value:
                sql += f" AND {column} %s"
                params.append(value)
        sql += " ORDER BY id DESC LIMIT %s"
        params.append(query.limit)
        async with self._database.read() as session:
            rows = await session.fetch(sql, params)
        return [
            AuditEntry(
                r["id"],
                r["organization_id"],
                r["actor_id"],
                r["actor_kind"],
                r["action"],
                r["target_type"],
                r["target_id"],
                r["ip"],
                r["request_id"],
                from_timestamp(r["created_at"]),
            )
            for r in rows
        ]
