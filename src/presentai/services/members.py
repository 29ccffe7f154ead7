"""Members of an organization: invite, change roles, remove — always keeping an owner."""

from __future__ import annotations

from attrs import frozen

from presentai.domain.accounts import (
    Action,
    Invitation,
    Membership,
    Role,
    authorize,
    check_membership_change,
    normalize_email,
)
from presentai.domain.errors import Conflict, InsufficientRole, NotFound, ValidationFailed
from presentai.ports.accounts import OrganizationRepository, UserRepository


@frozen
class Invited:
    """What an invitation did: made a member at once (a known account) or left it pending."""

    membership: Membership | None
    invitation: Invitation | None


class Members:
    """Membership changes, each checked against the acting member's role."""

    def __init__(self, *, organizations: OrganizationRepository, users: UserRepository) -> None:
        self._organizations = organizations
        self._users = users

    async def invite(self, actor: Membership, email: str, role: Role) -> Invited:
        """Add an existing account at once; otherwise keep an invitation its registration will accept."""
        authorize(actor.role, Action.MANAGE_MEMBERS)
        if role.rank > actor.role.rank or (role is Role.OWNER and actor.role is not Role.OWNER):
            raise InsufficientRole(
                f"Inviting as {role.value} requires {role.value} role", required=role.value, current=actor.role.value
            )
        user = await self._users.by_email(normalize_email(email))
        if user is not None and await self._organizations.membership(actor.organization_id, user.id) is not None:
            raise Conflict(f"{user.email} is already a member")
        # Always pending: nobody is put into another tenant without accepting (see accept).
        invitation = Invitation.to(actor.organization_id, email, role, actor.user_id)
        await self._organizations.invite(invitation)
        return Invited(None, invitation)

    async def accept(self, user_id: str, invitation_id: str) -> Membership:
        """The invited user joins; an invitation of another email address is not found."""
        user = await self._users.get(user_id)
        if user.email_verified_at is None:  # else anyone could sign up as the invitee and walk in
            raise ValidationFailed(
                "confirm your email address first (the link we sent; POST /users/me/verify-email sends it again)",
                {"email": "unverified"},
            )
        invitation = await self._organizations.take_invitation(invitation_id, user.email)
        if invitation is None:
            raise NotFound.of("invitation", invitation_id)
        membership = Membership(invitation.organization_id, user.id, invitation.role)
        await self._organizations.put_member(membership)
        return membership

    async def change_role(self, actor: Membership, user_id: str, role: Role) -> Membership:
        """Give a member another role."""
        target = await self._target(actor, user_id)
        check_membership_change(actor, target, role, await self._owners(actor.organization_id))
        await self._organizations.change_member_keeping_an_owner(actor.organization_id, user_id, role)
        return Membership(actor.organization_id, user_id, role)

    async def remove(self, actor: Membership, user_id: str) -> None:
        """Remove a member from the organization."""
        target = await self._target(actor, user_id)
        check_membership_change(actor, target, None, await self._owners(actor.organization_id))
        await self._organizations.change_member_keeping_an_owner(actor.organization_id, user_id, None)

    async def _target(self, actor: Membership, user_id: str) -> Membership:
        target = await self._organizations.membership(actor.organization_id, user_id)
        if target is None:
            raise NotFound.of("member", user_id)
        return target

    async def _owners(self, organization_id: str) -> int:
        return sum(1 for m in await self._organizations.members(organization_id) if m.role is Role.OWNER)
