"""The RBAC questions pages ask to decide what to show (the one policy of domain/accounts.py)."""

from __future__ import annotations

from presentai.domain.accounts import Action, Membership, authorize
from presentai.domain.errors import InsufficientRole


def may(membership: Membership | None, action: Action) -> bool:
    """Whether the member's role allows ``action`` (shown controls follow it; the handlers still check)."""
    if membership is None:
        return False
    try:
        authorize(membership.role, action)
    except InsufficientRole:
        return False
    return True
