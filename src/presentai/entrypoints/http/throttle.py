"""Limits on guessing passwords and codes, shared by the API's auth routes and the sign-in pages: one policy,
in the same buckets, for both doors."""

from __future__ import annotations

from aiohttp import web

from presentai.domain.errors import Unauthorized
from presentai.entrypoints.http.auth import limit
from presentai.entrypoints.http.clients import client_address
from presentai.entrypoints.http.keys import AUTHENTICATOR, CONTAINER, LIMITER
from presentai.services.auth import MfaChallenge, SignInLockout, Tokens

TRIES_PER_ACCOUNT = 10  # sign-ins per minute to one account, from anywhere
MFA_TRIES_PER_MINUTE = 5


async def limit_address(request: web.Request, endpoint: str, account: str = "") -> None:
    """Slow down password guessing and sign-up floods: per address and, when named, per account, each in
    its own bucket per endpoint (a refresh storm behind one NAT does not lock its users out of login)."""
    per_minute = request.app[CONTAINER].settings().auth_rate_limit_per_minute
    await limit(request, f"auth:{endpoint}:{client_address(request)}", per_minute)
    if account:  # guesses spread over many addresses (and spellings of the address) still meet this one
        await limit(request, f"auth:{endpoint}:account:{account}", TRIES_PER_ACCOUNT)


def _lockout(request: web.Request) -> SignInLockout:
    return SignInLockout(request.app[LIMITER], request.app[CONTAINER].settings().lockout)


async def throttled_login(request: web.Request, email: str, password: str) -> Tokens | MfaChallenge:
    """The Authenticator's login behind the limits and the lockout; a wrong password counts as a failure.

    ``RateLimited`` while the address, the account or its lockout says wait; ``Unauthorized`` for a wrong
    email or password.
    """
    authenticator = request.app[AUTHENTICATOR]
    account, address = authenticator.canonical_email(email), client_address(request)
    await limit_address(request, "login", account)
    lockout = _lockout(request)
    await lockout.check(account, address)
    try:
        return await authenticator.login(email, password)
    except Unauthorized:
        await lockout.failed(account, address)
        raise


async def throttled_mfa(request: web.Request, mfa_token: str, user_id: str, code: str) -> Tokens:
    """Finish the challenged sign-in of ``user_id`` with a code, a few guesses a minute per account.

    Wherever they come from, a million codes cannot be walked; wrong codes count as failed sign-ins of the
    account (its id, as the email is not in the challenge). The caller limits the address first.
    """
    await limit(request, f"mfa:{user_id}", MFA_TRIES_PER_MINUTE)
    lockout, address = _lockout(request), client_address(request)
    await lockout.check(f"user:{user_id}", address)
    try:
        return await request.app[AUTHENTICATOR].verify_mfa(mfa_token, code)
    except Unauthorized:
        await lockout.failed(f"user:{user_id}", address)
        raise
