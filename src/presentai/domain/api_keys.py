"""API keys: scoped credentials for integrations, shown once, stored as a hash."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from attrs import define, field

from presentai.domain.errors import InsufficientScope, ValidationFailed
from presentai.domain.ids import new_id


class Scope(enum.StrEnum):
    """What an API key may do (the spec's list)."""

    PRESENTATIONS_READ = "presentations:read"
    PRESENTATIONS_WRITE = "presentations:write"
    SOURCES_WRITE = "sources:write"
    EXPORTS_WRITE = "exports:write"
    SHARES_WRITE = "shares:write"
    BRAND_KITS_WRITE = "brand_kits:write"
    WEBHOOKS_MANAGE = "webhooks:manage"
    ANALYTICS_READ = "analytics:read"
    AUDIT_READ = "audit:read"


def parse_scopes(values: list[str]) -> tuple[Scope, ...]:
    """Known scopes, without repeats; ``ValidationFailed`` naming an unknown one."""
    known = {s.value: s for s in Scope}
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValidationFailed(f"unknown scope {unknown[0]!r}", {"scopes": f"unknown: {', '.join(unknown)}"})
    if not values:
        raise ValidationFailed("a key needs at least one scope", {"scopes": "empty"})
    return tuple(dict.fromkeys(known[v] for v in values))


def require_scope(scopes: frozenset[Scope] | None, needed: Scope) -> None:
    """Raise ``InsufficientScope`` unless ``scopes`` (``None``: a signed-in person, all scopes) has ``needed``."""
    if scopes is not None and needed not in scopes:
        raise InsufficientScope(f"this API key lacks the {needed.value} scope", required=needed.value)


@define
class ApiKey:
    """A key of one organization, acting for the member who made it and never above that member's role."""

    id: str
    organization_id: str
    created_by: str
    name: str
    prefix: str
    secret_hash: str
    scopes: tuple[Scope, ...]
    created_at: datetime = field(factory=lambda: datetime.now(UTC))
    revoked_at: datetime | None = None

    @classmethod
    def create(
        cls,
        *,
        organization_id: str,
        created_by: str,
        name: str,
        scopes: tuple[Scope, ...],
        prefix: str,
        secret_hash: str,
    ) -> ApiKey:
        """A new key; the caller made the secret and shows it once."""
        if not name.strip():
            raise ValidationFailed("the key needs a name", {"name": "required"})
        return cls(new_id(), organization_id, created_by, name.strip(), prefix, secret_hash, scopes)

    def rotate(self, prefix: str, secret_hash: str) -> None:
        """Replace the secret; the old one stops working at once."""
        self.prefix, self.secret_hash = prefix, secret_hash

    def revoke(self) -> None:
        """Stop the key for good."""
        self.revoked_at = self.revoked_at or datetime.now(UTC)

    @property
    def active(self) -> bool:
        """Whether the key still works."""
        return self.revoked_at is None
