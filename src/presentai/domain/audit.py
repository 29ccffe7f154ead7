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


@frozen
class AuditQuery:
    """Which entries to list: newest first, after the ``before`` id, at most ``limit``."""

    organization_id: str
    limit: int = 50
    before: str = ""  # an entry id: list older ones (the cursor)
    action: str = ""
    actor_id: str = ""
