"""The audit journal: who did what to which resource, when, from where."""

from __future__ import annotations

from datetime import UTC, datetime

from attrs import field, frozen

from presentai.domain.ids import new_id


@frozen
class AuditEntry:
    """One state-changing action, recorded after it succeeded."""

    id: str
    organization_id: str
    actor_id: str
    actor_kind: str  # "user" or "api_key"
    action: str  # e.g. "presentation.create", "member.role_change"
    target_type: str
    target_id: str
    ip: str = ""
    request_id: str = ""
    created_at: datetime = field(factory=lambda: datetime.now(UTC))

    @classmethod
    def record(
        cls,
        *,
        organization_id: str,
        actor_id: str,
        actor_kind: str,
        action: str,
        target_type: str,
        target_id: str,
        ip: str = "",
        request_id: str = "",
    ) -> AuditEntry:
        """A new entry, stamped now."""
        return cls(new_id(), organization_id, actor_id, actor_kind, action, target_type, target_id, ip, request_id)


def _utc(value: datetime | None) -> datetime | None:
    """An instant in UTC; a naive one is read as UTC already."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@frozen
class AuditQuery:
    """Which entries to list: newest first, after the ``before`` id, at most ``limit``.

    ``since`` and ``until`` bound ``created_at``: from ``since`` inclusive to ``until`` exclusive, in UTC.
    """

    organization_id: str
    limit: int = 50
    before: str = ""  # an entry id: list older ones (the cursor)
    action: str = ""
    actor_id: str = ""
    since: datetime | None = field(default=None, converter=_utc)
    until: datetime | None = field(default=None, converter=_utc)

    def matches(self, entry: AuditEntry) -> bool:
        """Whether ``entry`` is one this query lists (the organization and every filter; not the limit)."""
        return (
            entry.organization_id == self.organization_id
            and (not self.before or entry.id < self.before)
            and (not self.action or entry.action == self.action)
            and (not self.actor_id or entry.actor_id == self.actor_id)
            and (self.since is None or entry.created_at >= self.since)
            and (self.until is None or entry.created_at < self.until)
        )
