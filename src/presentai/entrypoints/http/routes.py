"""REST routes under /api/v1: auth, the caller's profile, organizations."""

from __future__ import annotations

import html
import re
from typing import Any

from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action, Membership, Organization, Role, User, check_language
from presentai.domain.api_keys import Scope
from presentai.domain.audit import AuditQuery
from presentai.domain.errors import Unauthorized, ValidationFailed
from presentai.domain.usage import TokenUsage
from presentai.entrypoints.http.auth import limit, member, person
from presentai.entrypoints.http.bodies import dump, read_body
from presentai.entrypoints.http.clients import client_address
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import AUDIT, AUTHENTICATOR, CONTAINER, ORGANIZATIONS, USERS
from presentai.entrypoints.http.openapi import accepts, answers
from presentai.entrypoints.http.responses import json_response
from presentai.entrypoints.http.throttle import limit_address, throttled_login, throttled_mfa
from presentai.services.auth import Tokens

routes = web.RouteTableDef()


@frozen
class RegisterBody:
    email: str
    password: str
    name: str = ""


@frozen
class LoginBody:
    email: str
    password: str


@frozen
class RefreshBody:
    refresh_token: str


@frozen
class ProfileBody:
    name: str | None = None
    password: str | None = None
    current_password: str = ""
    language: str | None = None  # the web UI's: "en", "ru", or "" (not chosen: the browser's decides)


@frozen
class MfaVerifyBody:
    mfa_token: str
    code: str


@frozen
class TokenBody:
    token: str


@frozen
class PasswordBody:
    password: str


@frozen
class EraseBody:
    password: str
    delete_sole_organizations: bool = False


@frozen
class CodeBody:
    code: str


@frozen
class OrganizationUpdateBody:
    name: str | None = None
    slug: str | None = None


@frozen
class OrganizationBody:
    name: str
    slug: str = ""


def _tokens(tokens: Tokens) -> dict[str, Any]:
    return dump(tokens)  # type: ignore[no-any-return]


def _user(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "email_verified": user.email_verified_at is not None,
        "mfa_enabled": user.mfa_enabled,
        "language": user.language,
        "created_at": user.created_at.isoformat(),
    }


def _organization(organization: Organization, membership: Membership) -> dict[str, Any]:
    return {**dump(organization), "role": membership.role.value}


@routes.post("/api/v1/auth/register")
@accepts(RegisterBody)
@answers(201)
async def register(request: web.Request) -> web.Response:
    """Create an account (and its personal organization), signed in."""
    await limit_address(request, "register")
    body = await read_body(request, RegisterBody)
    user, tokens = await request.app[AUTHENTICATOR].register(
        body.email, body.password, body.name, address=client_address(request)
    )
    return json_response({"user": _user(user), **_tokens(tokens)}, status=201)


@routes.post("/api/v1/auth/login")
@accepts(LoginBody)
async def login(request: web.Request) -> web.Response:
    """Sign in with email and password; an account with two-factor sign-in gets a challenge instead of tokens."""
    body = await read_body(request, LoginBody)
    return json_response(dump(await throttled_login(request, body.email, body.password)))


@routes.post("/api/v1/auth/verify-email")
@accepts(TokenBody)
async def verify_email(request: web.Request) -> web.Response:
    """Confirm an email address with the token from the verification email."""
    await limit_address(request, "verify-email")
    body = await read_body(request, TokenBody)
    user = await request.app[AUTHENTICATOR].verify_email(body.token)
    return json_response(_user(user))


@routes.get("/verify-email")
async def verify_email_link(request: web.Request) -> web.Response:
    """The link in the verification email: confirms the address and says so in a small page."""
    await limit_address(request, "verify-email")
    try:
        user = await request.app[AUTHENTICATOR].verify_email(request.query.get("token", ""))
    except (Unauthorized, ValidationFailed) as error:
        return web.Response(text=_page("This link does not work", str(error)), status=400, content_type="text/html")
    return web.Response(
        text=_page("Email address confirmed", f"{user.email} is confirmed. You can close this page."),
        content_type="text/html",
    )


def _page(title: str, text: str) -> str:
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)} · PresentAI</title>"
        f"<body><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(text)}</p></body></html>"
    )


@routes.post("/api/v1/users/me/verify-email")
@answers(200, 202)
async def resend_verification(request: web.Request) -> web.Response:
    """Send the verification email again (202), or say the address is already confirmed (200)."""
    caller = await person(request)
    await limit(request, f"verify-mail:{caller.user_id}", 3)  # no mail bombs through us
    sent = await request.app[AUTHENTICATOR].send_verification(caller.user_id)
    return json_response({"email_verified": not sent, "sent": sent}, status=202 if sent else 200)


@routes.post("/api/v1/auth/mfa/verify")
@accepts(MfaVerifyBody)
async def verify_mfa(request: web.Request) -> web.Response:
    """Complete a challenged sign-in with a code from the authenticator app (or a recovery code)."""
    await limit_address(request, "verify")
    body = await read_body(request, MfaVerifyBody)
    user_id = request.app[AUTHENTICATOR].challenged_user(body.mfa_token)
    return json_response(_tokens(await throttled_mfa(request, body.mfa_token, user_id, body.code)))


@routes.post("/api/v1/auth/refresh")
@accepts(RefreshBody)
async def refresh(request: web.Request) -> web.Response:
    """Exchange a refresh token (once) for new tokens."""
    await limit_address(request, "refresh")
    body = await read_body(request, RefreshBody)
    return json_response(_tokens(await request.app[AUTHENTICATOR].refresh(body.refresh_token)))


@frozen
class LogoutBody:
    refresh_token: str = ""


@routes.post("/api/v1/auth/logout")
@accepts(LogoutBody)
@answers(204)
async def logout(request: web.Request) -> web.Response:
    """End the login this refresh token belongs to, or, without one, the login of the Bearer access token."""
    body = await read_body(request, LogoutBody) if request.body_exists else LogoutBody()
    authenticator = request.app[AUTHENTICATOR]
    if body.refresh_token:
        await authenticator.logout(body.refresh_token)
    else:
        caller = await person(request)
        await authenticator.end_session(caller.session_family)
    return web.Response(status=204)


@routes.post("/api/v1/auth/logout-all")
@answers(204)
async def logout_all(request: web.Request) -> web.Response:
    """End every login of the caller, on every device."""
    caller = await person(request)
    await request.app[AUTHENTICATOR].logout_all(caller.user_id)
    return web.Response(status=204)


@routes.get("/api/v1/users/me")
async def me(request: web.Request) -> web.Response:
    """The caller's profile and organizations."""
    caller = await person(request)
    user = await request.app[USERS].get(caller.user_id)
    memberships = await request.app[ORGANIZATIONS].memberships(caller.user_id)
    return json_response(
        {
            **_user(user),
            "organizations": [{"id": m.organization_id, "role": m.role.value} for m in memberships],
        }
    )


@routes.patch("/api/v1/users/me")
@accepts(ProfileBody)
async def update_me(request: web.Request) -> web.Response:
    """Change the caller's name, password (a new password ends every login) or language of the pages."""
    caller = await person(request)
    body = await read_body(request, ProfileBody)
    if body.language is not None:
        check_language(body.language)  # before anything changes: an unknown language changes nothing
    user = await request.app[AUTHENTICATOR].update_profile(
        caller.user_id, name=body.name, password=body.password, current_password=body.current_password
    )
    if body.language is not None and body.language != user.language:
        user.language = body.language
        await request.app[USERS].save(user)
    return json_response(_user(user))


@routes.delete("/api/v1/users/me")
@accepts(EraseBody)
async def delete_me(request: web.Request) -> web.Response:
    """Erase the caller's account (GDPR): personal data anonymised, logins ended, memberships left;
    organizations the caller alone belongs to are deleted only with ``delete_sole_organizations``."""
    caller = await person(request)
    body = await read_body(request, EraseBody)
    erasure = await request.app[CONTAINER].erase_account()(
        caller.user_id, body.password, delete_sole_organizations=body.delete_sole_organizations
    )
    return json_response(
        {
            "deleted": True,
            "organizations_deleted": list(erasure.organizations_deleted),
            "organizations_left": list(erasure.organizations_left),
        }
    )


@routes.post("/api/v1/users/me/mfa")
@accepts(PasswordBody)
@answers(201)
async def begin_mfa(request: web.Request) -> web.Response:
    """Start two-factor enrolment: a secret for the authenticator app (confirm it with a code)."""
    caller = await person(request)
    body = await read_body(request, PasswordBody)
    enrolment = await request.app[AUTHENTICATOR].begin_mfa(caller.user_id, body.password)
    return json_response(dump(enrolment), status=201)


@routes.post("/api/v1/users/me/mfa/confirm")
@accepts(CodeBody)
async def confirm_mfa(request: web.Request) -> web.Response:
    """Turn two-factor sign-in on with a code from the app; answers the recovery codes, shown this once."""
    caller = await person(request)
    body = await read_body(request, CodeBody)
    recovery = await request.app[AUTHENTICATOR].confirm_mfa(caller.user_id, body.code)
    return json_response({"mfa_enabled": True, "recovery_codes": recovery})


@routes.post("/api/v1/users/me/mfa/disable")
@accepts(PasswordBody)
@answers(204)
async def disable_mfa(request: web.Request) -> web.Response:
    """Turn two-factor sign-in off (asks for the password again)."""
    caller = await person(request)
    body = await read_body(request, PasswordBody)
    await request.app[AUTHENTICATOR].disable_mfa(caller.user_id, body.password)
    return web.Response(status=204)


@routes.post("/api/v1/users/me/export-data")
async def export_my_data(request: web.Request) -> web.Response:
    """Everything stored about the caller as a JSON download (GDPR art. 15/20)."""
    caller = await person(request)
    user = await request.app[USERS].get(caller.user_id)
    memberships = await request.app[ORGANIZATIONS].memberships(caller.user_id)
    archive = {
        "profile": _user(user),
        "memberships": [{"organization_id": m.organization_id, "role": m.role.value} for m in memberships],
        "audit_trail": [
            {"organization_id": m.organization_id, **entry}
            for m in memberships
            for entry in await _my_entries(request, m.organization_id, caller.user_id)
        ],
    }
    return json_response(
        archive, headers={"Content-Disposition": f'attachment; filename="presentai-data-{user.id}.json"'}
    )


async def _my_entries(request: web.Request, organization_id: str, user_id: str) -> list[dict[str, str]]:
    entries = await request.app[AUDIT].query(AuditQuery(organization_id, 100_000, actor_id=user_id))
    return [{"action": e.action, "target": f"{e.target_type}:{e.target_id}", "at": e.created_at.isoformat(),
             "ip": e.ip} for e in entries]  # fmt: skip


@routes.post("/api/v1/organizations")
@accepts(OrganizationBody)
@answers(201)
async def create_organization(request: web.Request) -> web.Response:
    """A new organization; the caller owns it."""
    caller = await person(request)
    body = await read_body(request, OrganizationBody)
    organization = Organization.found(body.name, body.slug, request.app[CONTAINER].settings().limits)
    owner = Membership(organization.id, caller.user_id, Role.OWNER)
    await request.app[ORGANIZATIONS].add(organization, owner)
    await audit(request, organization.id, "organization.create", "organization", organization.id)
    return json_response(_organization(organization, owner), status=201)


@routes.get("/api/v1/organizations/{id}")
async def get_organization(request: web.Request) -> web.Response:
    """An organization the caller belongs to (any other answers 404)."""
    membership = await member(request, request.match_info["id"], Action.READ, Scope.PRESENTATIONS_READ)
    organization = await request.app[ORGANIZATIONS].get(membership.organization_id)
    return json_response(_organization(organization, membership))


@routes.patch("/api/v1/organizations/{id}")
@accepts(OrganizationUpdateBody)
async def update_organization(request: web.Request) -> web.Response:
    """Rename the organization or change its slug (admins and owners)."""
    membership = await member(request, request.match_info["id"], Action.MANAGE_ORGANIZATION)
    body = await read_body(request, OrganizationUpdateBody)
    organizations = request.app[ORGANIZATIONS]
    organization = await organizations.get(membership.organization_id)
    organization.rename(body.name, body.slug, request.app[CONTAINER].settings().limits)
    await organizations.save(organization)
    await audit(request, organization.id, "organization.update", "organization", organization.id)
    return json_response(_organization(organization, membership))


def _usage(usage: TokenUsage) -> dict[str, Any]:
    return {
        "month": usage.month,
        "embedding_tokens": usage.embedding_tokens,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "total_tokens": usage.total,
        "exports": usage.exports,  # not in the spec: exports asked for this month (deploy/CONFIGURATION.md)
    }


@routes.get("/api/v1/organizations/{id}/usage")
async def organization_usage(request: web.Request) -> web.Response:
    """Tokens used this month (or ?month=YYYY-MM) against the plan's limit, and the last twelve months."""
    membership = await member(request, request.match_info["id"], Action.MANAGE_ORGANIZATION)
    month = request.query.get("month", "")
    if month and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ValidationFailed("month is YYYY-MM", {"month": "invalid"})
    report = await request.app[CONTAINER].quotas().report(membership.organization_id, month)
    return json_response(
        {
            "organization_id": membership.organization_id,
            "plan": report.plan,
            "limit": report.limit or None,
            "remaining": report.remaining,
            "stored_bytes": report.stored_bytes,
            "storage_limit_bytes": report.storage_limit or None,
            "export_limit": report.export_limit or None,
            **_usage(report.usage),
            "history": [_usage(u) for u in report.history],
        }
    )


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    """Liveness."""
    return json_response({"status": "ok"})
