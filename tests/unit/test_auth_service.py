"""Registration, sign-in, rotating refresh tokens with reuse detection, and sign-out."""

from __future__ import annotations

import time
from pathlib import Path

import pyotp
import pytest

from presentai.adapters.auth.email import EmailValidatorAddresses
from presentai.adapters.auth.secrets import Argon2PasswordHasher, JwtAccessTokens
from presentai.adapters.auth.strength import ZxcvbnPasswordStrength
from presentai.adapters.auth.totp import PyotpOneTimePasswords
from presentai.adapters.limits.limiters import InProcessRateLimiter
from presentai.adapters.mail.smtp import OutboxMailer
from presentai.adapters.memory.accounts import (
    InProcessAuditLog,
    InProcessOrganizationRepository,
    InProcessSessionRepository,
    InProcessUserRepository,
)
from presentai.domain.accounts import Role, User
from presentai.domain.audit import AuditQuery
from presentai.domain.errors import Conflict, RateLimited, Unauthorized, ValidationFailed
from presentai.domain.limits import LockoutPolicy
from presentai.services.auth import Authenticator, MfaChallenge, SignInLockout, Tokens

SECRET = "test-secret-that-is-long-enough-for-hs256"


@pytest.fixture
def auth(tmp_path: Path) -> Authenticator:
    return Authenticator(
        users=InProcessUserRepository(),
        organizations=InProcessOrganizationRepository(),
        sessions=InProcessSessionRepository(),
        hasher=Argon2PasswordHasher(),
        tokens=JwtAccessTokens(SECRET),
        codes=PyotpOneTimePasswords(),
        mailer=OutboxMailer(tmp_path / "outbox", "noreply@presentai.example"),
        strength=ZxcvbnPasswordStrength(),
        emails=EmailValidatorAddresses(),
        audit=InProcessAuditLog(),
    )


async def test_registering_signs_the_user_in_and_gives_them_an_organization_they_own(auth: Authenticator) -> None:
    user, tokens = await auth.register("Anna@Example.com", "correct horse battery", "Anna")
    principal = await auth.authenticate(tokens.access_token)
    assert principal.user_id == user.id
    memberships = await auth._organizations.memberships(user.id)
    assert [m.role for m in memberships] == [Role.OWNER]


async def test_an_email_registers_once_and_weak_passwords_are_refused(auth: Authenticator) -> None:
    await auth.register("anna@example.com", "correct horse battery")
    with pytest.raises(Conflict):
        await auth.register("ANNA@example.com", "another long password")
    with pytest.raises(ValidationFailed):
        await auth.register("bob@example.com", "short")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        (" " * 10, "only whitespace"),
        ("\t \n" * 5, "only whitespace"),
        ("password123", "too common"),
        ("1234567890", "too common"),
        ("qwertyuiop", "too common"),
        ("Password1!", "too common"),
        ("iloveyou12", "too common"),
        ("bob.builder@example.com", "too common"),  # the account's own address
        ("x" * 1_001, "too long"),
    ],
)
async def test_the_commonest_guessable_and_blank_passwords_are_refused_naming_the_field(
    auth: Authenticator, password: str, problem: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await auth.register("bob.builder@example.com", password)
    assert refused.value.fields == {"password": problem}
    assert await auth._users.by_email("bob.builder@example.com") is None


async def test_a_new_password_meets_the_same_policy_and_the_old_one_keeps_working(auth: Authenticator) -> None:
    user, _ = await auth.register("anna@example.com", "correct horse battery")
    with pytest.raises(ValidationFailed):
        await auth.update_profile(user.id, password="abc123abc123", current_password="correct horse battery")
    assert isinstance(await auth.login("anna@example.com", "correct horse battery"), Tokens)


async def test_signing_in_needs_the_right_password_and_does_not_say_which_part_was_wrong(auth: Authenticator) -> None:
    await auth.register("anna@example.com", "correct horse battery")
    assert isinstance(await auth.login("anna@example.com", "correct horse battery"), Tokens)
    with pytest.raises(Unauthorized, match="wrong email or password"):
        await auth.login("anna@example.com", "wrong horse battery")
    with pytest.raises(Unauthorized, match="wrong email or password"):
        await auth.login("nobody@example.com", "correct horse battery")


async def test_a_refresh_token_works_once_and_its_reuse_ends_the_whole_login(auth: Authenticator) -> None:
    _, first = await auth.register("anna@example.com", "correct horse battery")
    second = await auth.refresh(first.refresh_token)
    third = await auth.refresh(second.refresh_token)
    await auth.authenticate(third.access_token)
    with pytest.raises(Unauthorized, match="already used"):
        await auth.refresh(first.refresh_token)  # a thief replays an old token
    with pytest.raises(Unauthorized):
        await auth.refresh(third.refresh_token)  # ... so the rightful holder is signed out too
    with pytest.raises(Unauthorized, match="session has ended"):
        await auth.authenticate(third.access_token)


async def test_logout_ends_one_login_and_logout_all_ends_every_login(auth: Authenticator) -> None:
    user, laptop = await auth.register("anna@example.com", "correct horse battery")
    phone = await auth.login("anna@example.com", "correct horse battery")
    tablet = await auth.login("anna@example.com", "correct horse battery")
    await auth.logout(laptop.refresh_token)
    with pytest.raises(Unauthorized):
        await auth.authenticate(laptop.access_token)
    await auth.authenticate(phone.access_token)
    await auth.logout_all(user.id)
    for tokens in (phone, tablet):
        with pytest.raises(Unauthorized):
            await auth.authenticate(tokens.access_token)
        with pytest.raises(Unauthorized):
            await auth.refresh(tokens.refresh_token)


async def test_forged_expired_and_unknown_tokens_are_refused(auth: Authenticator) -> None:
    _, tokens = await auth.register("anna@example.com", "correct horse battery")
    forged = JwtAccessTokens("another-secret-that-is-long-enough-too").issue({"sub": "x", "sid": "y", "type": "access"})
    expired = JwtAccessTokens(SECRET, lifetime_seconds=-1).issue({"sub": "x", "sid": "y", "type": "access"})
    for token in (forged, expired, "not.a.jwt", tokens.refresh_token):
        with pytest.raises(Unauthorized):
            await auth.authenticate(token)
    with pytest.raises(Unauthorized):
        await auth.refresh("made-up")


def code_at(secret: str, offset_s: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + offset_s)


async def test_two_factor_sign_in_needs_a_fresh_code_once_it_is_confirmed(auth: Authenticator) -> None:
    user, _ = await auth.register("anna@example.com", "correct horse battery")
    with pytest.raises(ValidationFailed):
        await auth.begin_mfa(user.id, "wrong password here")
    enrolment = await auth.begin_mfa(user.id, "correct horse battery")
    assert isinstance(await auth.login("anna@example.com", "correct horse battery"), Tokens)  # not on yet
    with pytest.raises(ValidationFailed):
        await auth.confirm_mfa(user.id, "000000")
    confirming = code_at(enrolment.secret)
    recovery = await auth.confirm_mfa(user.id, confirming)
    assert len(set(recovery)) == 10

    challenge = await auth.login("anna@example.com", "correct horse battery")
    assert isinstance(challenge, MfaChallenge)
    with pytest.raises(Unauthorized):
        await auth.authenticate(challenge.mfa_token)  # a challenge is not an access token
    with pytest.raises(Unauthorized):
        await auth.verify_mfa(challenge.mfa_token, confirming)  # used to confirm: not again
    tokens = await auth.verify_mfa(challenge.mfa_token, code_at(enrolment.secret, 30))
    assert (await auth.authenticate(tokens.access_token)).user_id == user.id
    with pytest.raises(Unauthorized):
        await auth.verify_mfa(challenge.mfa_token, code_at(enrolment.secret, 30))  # replayed


async def test_a_recovery_code_signs_in_once_and_turning_mfa_off_needs_the_password(auth: Authenticator) -> None:
    user, _ = await auth.register("anna@example.com", "correct horse battery")
    enrolment = await auth.begin_mfa(user.id, "correct horse battery")
    recovery = await auth.confirm_mfa(user.id, code_at(enrolment.secret))
    challenge = await auth.login("anna@example.com", "correct horse battery")
    assert isinstance(challenge, MfaChallenge)
    assert await auth.verify_mfa(challenge.mfa_token, recovery[0].upper())
    with pytest.raises(Unauthorized):
        await auth.verify_mfa(challenge.mfa_token, recovery[0])
    with pytest.raises(Conflict):
        await auth.begin_mfa(user.id, "correct horse battery")  # already on
    with pytest.raises(ValidationFailed):
        await auth.disable_mfa(user.id, "not my password")
    await auth.disable_mfa(user.id, "correct horse battery")
    assert isinstance(await auth.login("anna@example.com", "correct horse battery"), Tokens)


async def test_a_registration_cut_short_before_its_organization_is_finished_by_the_next_sign_in(
    auth: Authenticator,
) -> None:
    user = User.register("anna@example.com", "Anna", Argon2PasswordHasher().hash("correct horse battery"))
    await auth._users.add(user)  # as if the process died right after storing the user
    assert await auth._organizations.memberships(user.id) == []
    await auth.login("anna@example.com", "correct horse battery")
    assert [m.role for m in await auth._organizations.memberships(user.id)] == [Role.OWNER]
    await auth.login("anna@example.com", "correct horse battery")
    assert len(await auth._organizations.memberships(user.id)) == 1  # only once


class StoppedClock:
    """The limiter's clock, moved only by the test."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_repeated_failed_sign_ins_lock_the_account_for_a_while_even_against_the_right_password() -> None:
    clock = StoppedClock()
    lockout = SignInLockout(InProcessRateLimiter(clock), LockoutPolicy(3, 100, window_s=900, lockout_s=300))
    for _ in range(3):
        await lockout.check("anna@example.com", "10.0.0.1")
        await lockout.failed("Anna@Example.com ", f"10.0.0.{_ + 1}")  # from anywhere, in any case
    with pytest.raises(RateLimited) as refused:
        await lockout.check("anna@example.com", "10.0.0.9")
    assert refused.value.retry_after == 300
    await lockout.check("boris@example.com", "10.0.0.1")  # another account is not locked
    clock.now += 299
    with pytest.raises(RateLimited):
        await lockout.check("anna@example.com")
    clock.now += 1
    await lockout.check("anna@example.com", "10.0.0.1")


async def test_failures_from_one_address_lock_the_address_for_every_account() -> None:
    clock = StoppedClock()
    lockout = SignInLockout(InProcessRateLimiter(clock), LockoutPolicy(100, 5, window_s=900, lockout_s=60))
    for number in range(5):
        await lockout.failed(f"user{number}@example.com", "203.0.113.7")
    with pytest.raises(RateLimited):
        await lockout.check("someone-else@example.com", "203.0.113.7")
    await lockout.check("someone-else@example.com", "203.0.113.8")


async def test_failures_spread_over_more_than_a_window_do_not_lock() -> None:
    clock = StoppedClock()
    lockout = SignInLockout(InProcessRateLimiter(clock), LockoutPolicy(3, 100, window_s=900, lockout_s=300))
    for _ in range(2):
        await lockout.failed("anna@example.com")
    clock.now += 900
    await lockout.failed("anna@example.com")
    await lockout.check("anna@example.com")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Anna.Petrova@Example.COM ", "anna.petrova@example.com"),
        ("anna@ＥＸＡＭＰＬＥ.com", "anna@example.com"),  # fullwidth letters
        ("ivan@ПРИМЕР.РФ", "ivan@пример.рф"),
        ("cafe\u0301@example.com", "caf\u00e9@example.com"),  # NFC: one account however é was typed
    ],
)
async def test_an_email_is_stored_in_one_canonical_form_and_signs_in_from_any_spelling(
    auth: Authenticator, typed: str, stored: str
) -> None:
    user, _ = await auth.register(typed, "correct horse battery")
    assert user.email == stored
    assert isinstance(await auth.login(stored.upper(), "correct horse battery"), Tokens)
    with pytest.raises(Conflict):
        await auth.register(stored, "correct horse battery")


@pytest.mark.parametrize(
    "email",
    ["nul\x00byte@example.com", "bell\x07@example.com", "a@b", "two..dots@example.com", "a@example.invalid", "@x.org"],
)
async def test_what_is_not_an_email_address_is_refused_naming_the_field(auth: Authenticator, email: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await auth.register(email, "correct horse battery")
    assert refused.value.fields == {"email": "invalid"}


async def test_a_lookalike_address_is_flagged_in_the_audit_log_and_a_plain_one_is_not(auth: Authenticator) -> None:
    plain, _ = await auth.register("paypal@example.com", "correct horse battery")
    lookalike, _ = await auth.register("p\u0430ypal@example.com", "correct horse battery", address="203.0.113.9")
    cyrillic, _ = await auth.register("\u0438\u0432\u0430\u043d@example.com", "correct horse battery")
    flagged = []
    for user in (plain, lookalike, cyrillic):
        (membership,) = await auth._organizations.memberships(user.id)
        entries = await auth._audit.query(AuditQuery(membership.organization_id))  # type: ignore[union-attr]
        flagged += [(e.actor_id, e.action, e.ip) for e in entries]
    assert flagged == [(lookalike.id, "user.confusable_email", "203.0.113.9")]
