"""Registration, sign-in, rotating refresh and sign-out."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime

from attrs import frozen

from presentai.domain.accounts import (
    CheckedEmail,
    Membership,
    Organization,
    Role,
    User,
    check_name,
    check_password,
    normalize_email,
)
from presentai.domain.api_keys import ApiKey, Scope
from presentai.domain.audit import AuditEntry
from presentai.domain.errors import Conflict, MailUnavailable, NotFound, RateLimited, Unauthorized, ValidationFailed
from presentai.domain.limits import DEFAULT_LIMITS, DEFAULT_LOCKOUT, Limits, LockoutPolicy
from presentai.domain.sessions import RefreshToken
from presentai.ports.accounts import (
    AccessTokens,
    ApiKeyRepository,
    AuditLog,
    EmailAddresses,
    OneTimePasswords,
    OrganizationRepository,
    PasswordHasher,
    PasswordStrength,
    SessionRepository,
    UserRepository,
)
from presentai.ports.limits import RateLimiter
from presentai.ports.mail import Email, Mailer

log = logging.getLogger("presentai.auth")
ACCESS_LIFETIME_SECONDS = 15 * 60
MFA_CHALLENGE_SECONDS = 5 * 60
VERIFY_EMAIL_SECONDS = 24 * 60 * 60
RECOVERY_CODES = 10
ISSUER = "PresentAI"
_DUMMY_HASH_INPUT = "not-a-real-password"  # verified against when the email is unknown, to even out timing


@frozen
class Tokens:
    """What a successful sign-in or refresh hands back."""

    access_token: str
    refresh_token: str
    expires_in: int = ACCESS_LIFETIME_SECONDS
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret


@frozen
class MfaChallenge:
    """A right password for an account with two-factor sign-in: the code is still to come."""

    mfa_token: str
    expires_in: int = MFA_CHALLENGE_SECONDS
    mfa_required: bool = True


@frozen
class MfaEnrolment:
    """The secret to put into an authenticator app, as text and as an ``otpauth://`` URI."""

    secret: str
    otpauth_uri: str


@frozen
class Principal:
    """Who is calling: a signed-in person, or an API key acting for the member who made it.

    A key is pinned to its ``organization_id`` and limited to its ``scopes``;
    a person has neither limit (``None``).
    """

    user_id: str
    session_family: str = ""
    organization_id: str | None = None
    scopes: frozenset[Scope] | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _recovery_code() -> str:
    raw = secrets.token_hex(5)
    return f"{raw[:5]}-{raw[5:]}"


def _normal_recovery(code: str) -> str:
    return code.strip().lower().replace("-", "").replace(" ", "")


class Authenticator:
    """Accounts and sessions: the one place that issues and checks credentials."""

    def __init__(
        self,
        *,
        users: UserRepository,
        organizations: OrganizationRepository,
        sessions: SessionRepository,
        hasher: PasswordHasher,
        tokens: AccessTokens,
        codes: OneTimePasswords,
        mailer: Mailer,
        public_url: str = "http://localhost:8080",
        limits: Limits = DEFAULT_LIMITS,
        strength: PasswordStrength | None = None,
        emails: EmailAddresses | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        self._limits = limits
        self._strength = strength
        self._emails = emails
        self._audit = audit
        self._users = users
        self._organizations = organizations
        self._sessions = sessions
        self._hasher = hasher
        self._tokens = tokens
        self._codes = codes
        self._mailer = mailer
        self._public_url = public_url.rstrip("/")
        self._dummy_hash = ""

    async def register(self, email: str, password: str, name: str = "", *, address: str = "") -> tuple[User, Tokens]:
        """A new account with a personal organization it owns, signed in; a confusable email address is
        written to the audit log (``address``: where the request came from)."""
        checked = self.check_email(email)
        self._check_new_password(password, checked.address, name)
        if await self._users.by_email(checked.address) is not None:
            raise Conflict("an account with this email already exists")
        check_name(name, self._limits)
        user = User.register(checked.address, name, self._hasher.hash(password), self._limits)
        await self._users.add(user)
        await self._ensure_workspace(user)
        if checked.confusable:
            await self._flag_confusable(user, address)
        try:
            await self.send_verification(user.id)
        except MailUnavailable as error:  # the account works; the user can ask for the link again
            log.warning("the verification email to a new account was not sent: %s", error)
        return user, await self._start_session(user.id)

    def check_email(self, email: str) -> CheckedEmail:
        """The canonical form of an address, flagged if it looks like another; ``ValidationFailed`` if it is
        not an address."""
        if self._emails is None:
            return CheckedEmail(normalize_email(email))
        return self._emails.check(email)

    def canonical_email(self, email: str) -> str:
        """The canonical form of what may be an address (as typed, trimmed and lower-cased, if it is not one):
        the one key of an account for lookups and sign-in limits, whichever way it was spelled."""
        try:
            return self.check_email(email).address
        except ValidationFailed:
            return email.strip().lower()[:254]

    async def _flag_confusable(self, user: User, address: str) -> None:
        log.warning("account %s registered with a confusable email address %r", user.id, user.email)
        if self._audit is None:
            return
        for membership in await self._organizations.memberships(user.id):
            entry = AuditEntry.record(
                organization_id=membership.organization_id,
                actor_id=user.id,
                actor_kind="user",
                action="user.confusable_email",
                target_type="user",
                target_id=user.id,
                ip=address,
            )
            await self._audit.record(entry)

    async def send_verification(self, user_id: str) -> bool:
        """Email a link that proves the user reads their address; ``False`` if it is already proven."""
        user = await self._users.get(user_id)
        if user.email_verified_at is not None:
            return False
        claims = {"sub": user.id, "email": user.email, "type": "verify_email"}
        token = self._tokens.issue(claims, VERIFY_EMAIL_SECONDS)
        text = (
            f"Hello {user.name},\n\nconfirm that {user.email} is your address for PresentAI:\n\n"
            f"{self._public_url}/verify-email?token={token}\n\n"
            "The link works for 24 hours. If you did not sign up, ignore this message.\n"
        )
        await self._mailer.send(Email(user.email, "Confirm your email address for PresentAI", text))
        return True

    async def verify_email(self, token: str) -> User:
        """Mark the address in a verification token as proven."""
        claims = self._tokens.read(token)
        if claims.get("type") != "verify_email" or "sub" not in claims or "email" not in claims:
            raise Unauthorized("not an email verification token")
        try:
            user = await self._users.get(str(claims["sub"]))
        except NotFound as error:
            raise Unauthorized("this verification link is for an account that no longer exists") from error
        user.verify_email(str(claims["email"]), datetime.now(UTC))
        await self._users.save(user)
        return user

    async def _ensure_workspace(self, user: User) -> None:
        """Give the user their personal organization if they belong to none.

        Registration stores the user, then the organization; if the process dies in between, the
        next sign-in finishes the job instead of leaving an account that can do nothing.
        """
        if await self._organizations.memberships(user.id):
            return
        organization = Organization.found(f"{user.name}'s workspace", slug=f"u-{user.id[-12:]}")
        await self._organizations.add(organization, Membership(organization.id, user.id, Role.OWNER))

    async def login(self, email: str, password: str) -> Tokens | MfaChallenge:
        """Tokens for the right email and password, or a challenge when the account has two-factor sign-in;
        ``Unauthorized`` otherwise, saying not which was wrong."""
        user = await self._users.by_email(self.canonical_email(email))
        if user is None or user.deleted_at is not None:
            self._hasher.verify(self._dummy(), password)
            raise Unauthorized("wrong email or password")
        if not self._hasher.verify(user.password_hash, password):
            raise Unauthorized("wrong email or password")
        await self._ensure_workspace(user)
        if user.mfa_enabled:
            claims = {"sub": user.id, "type": "mfa_challenge"}
            return MfaChallenge(self._tokens.issue(claims, MFA_CHALLENGE_SECONDS))
        return await self._start_session(user.id)

    def challenged_user(self, mfa_token: str) -> str:
        """The user a login challenge was issued to; ``Unauthorized`` for anything else or an expired one."""
        claims = self._tokens.read(mfa_token)
        if claims.get("type") != "mfa_challenge" or "sub" not in claims:
            raise Unauthorized("not a two-factor challenge; sign in again")
        return str(claims["sub"])

    async def verify_mfa(self, mfa_token: str, code: str) -> Tokens:
        """Complete a challenged login with a current code from the app, or with an unused recovery code."""
        user = await self._users.get(self.challenged_user(mfa_token))
        if not user.mfa_enabled or user.deleted_at is not None:
            raise Unauthorized("two-factor sign-in is not on for this account; sign in again")
        if not user.use_recovery_code(_digest(_normal_recovery(code))):
            try:
                user.accept_step(self._codes.matching_step(user.mfa_secret, code, datetime.now(UTC)))
            except ValidationFailed as error:
                raise Unauthorized("the code is wrong or was already used") from error
        await self._users.save(user)
        return await self._start_session(user.id)

    async def begin_mfa(self, user_id: str, password: str) -> MfaEnrolment:
        """A new TOTP secret for the user's app; sign-in changes only once a code confirms it."""
        user = await self._users.get(user_id)
        self._check_password(user, password)
        secret = self._codes.new_secret()
        user.begin_mfa(secret)
        await self._users.save(user)
        return MfaEnrolment(secret, self._codes.provisioning_uri(secret, user.email, ISSUER))

    async def confirm_mfa(self, user_id: str, code: str) -> list[str]:
        """Turn two-factor sign-in on with a code from the app; the one-time recovery codes (shown once)."""
        user = await self._users.get(user_id)
        recovery = [_recovery_code() for _ in range(RECOVERY_CODES)]
        step = self._codes.matching_step(user.mfa_secret, code, datetime.now(UTC)) if user.mfa_secret else None
        user.confirm_mfa(step, tuple(_digest(_normal_recovery(c)) for c in recovery))
        await self._users.save(user)
        return recovery

    async def disable_mfa(self, user_id: str, password: str) -> None:
        """Turn two-factor sign-in off (the password is asked again)."""
        user = await self._users.get(user_id)
        self._check_password(user, password)
        user.disable_mfa()
        await self._users.save(user)

    def _check_new_password(self, password: str, email: str, name: str) -> None:
        """The policy for a password being set: length, not only spaces, and not easy to guess (with the
        account's own email and name counted as easy)."""
        check_password(password)
        if self._strength is not None:
            check_password(password, self._strength.weakness(password, (email, email.partition("@")[0], name)))

    def _check_password(self, user: User, password: str) -> None:
        if not self._hasher.verify(user.password_hash, password):
            raise ValidationFailed("the password is wrong", {"password": "wrong"})

    async def refresh(self, refresh_token: str) -> Tokens:
        """New tokens for a valid refresh token, which is used up; a reused one ends its whole login."""
        now = datetime.now(UTC)
        token = await self._sessions.by_hash(_digest(refresh_token))
        if token is None:
            raise Unauthorized("unknown refresh token")
        token.check_usable(now)
        if token.reused or not await self._sessions.mark_used(token.id, now):
            await self._sessions.revoke_family(token.family_id, now)
            raise Unauthorized("this refresh token was already used; the session has been ended for safety")
        return await self._issue(token.user_id, token.family_id)

    async def update_profile(
        self, user_id: str, *, name: str | None = None, password: str | None = None, current_password: str = ""
    ) -> User:
        """Change the name, or the password (which needs the current one and ends every other login)."""
        user = await self._users.get(user_id)
        if name is not None:
            if not name.strip():
                raise ValidationFailed("the name must not be empty", {"name": "empty"})
            check_name(name, self._limits)
        if name is not None:
            user.name = name.strip()
        if password is not None:
            if not self._hasher.verify(user.password_hash, current_password):
                raise ValidationFailed("the current password is wrong", {"current_password": "wrong"})
            self._check_new_password(password, user.email, user.name)
            user.password_hash = self._hasher.hash(password)
        await self._users.save(user)
        if password is not None:
            await self._sessions.revoke_user(user.id, datetime.now(UTC))
        return user

    async def logout(self, refresh_token: str) -> None:
        """End the login the refresh token belongs to (unknown tokens are ignored)."""
        token = await self._sessions.by_hash(_digest(refresh_token))
        if token is not None:
            await self._sessions.revoke_family(token.family_id, datetime.now(UTC))

    async def end_session(self, family_id: str) -> None:
        """End one login (the session an access token names)."""
        if family_id:
            await self._sessions.revoke_family(family_id, datetime.now(UTC))

    async def logout_all(self, user_id: str) -> None:
        """End every login of the user, on every device."""
        await self._sessions.revoke_user(user_id, datetime.now(UTC))

    async def authenticate(self, access_token: str) -> Principal:
        """The caller of a valid access token whose login is still going; ``Unauthorized`` otherwise."""
        claims = self._tokens.read(access_token)
        if claims.get("type") != "access" or "sub" not in claims or "sid" not in claims:
            raise Unauthorized("not an access token")
        if not await self._sessions.family_active(str(claims["sid"])):
            raise Unauthorized("this session has ended; sign in again")
        return Principal(str(claims["sub"]), str(claims["sid"]))

    async def session_active(self, caller: Principal) -> bool:
        """Whether the login ``caller`` signed in with is still going (an API key's has none to end)."""
        if not caller.session_family:
            return caller.scopes is not None
        return await self._sessions.family_active(caller.session_family)

    async def _start_session(self, user_id: str) -> Tokens:
        return await self._issue(user_id, family_id="")

    async def _issue(self, user_id: str, family_id: str) -> Tokens:
        secret = secrets.token_urlsafe(32)
        token = RefreshToken.issue(user_id, _digest(secret), family_id)
        await self._sessions.add(token)
        access = self._tokens.issue({"sub": user_id, "sid": token.family_id, "type": "access"})
        return Tokens(access, secret)

    def _dummy(self) -> str:
        if not self._dummy_hash:
            self._dummy_hash = self._hasher.hash(_DUMMY_HASH_INPUT)
        return self._dummy_hash


class SignInLockout:
    """A short lockout after repeated failed sign-ins, per account and per client address.

    Failures are counted in windows of the limiter; reaching the policy's count locks the account (or
    the address) for ``lockout_s``, during which even the right password is refused.
    """

    def __init__(self, limiter: RateLimiter, policy: LockoutPolicy = DEFAULT_LOCKOUT) -> None:
        self._limiter = limiter
        self._policy = policy

    async def check(self, account: str, address: str = "") -> None:
        """Raise ``RateLimited`` while the account or the address is locked out."""
        for key, _ in self._counted(account, address):
            left = await self._limiter.locked(key)
            if left:
                raise RateLimited(f"too many failed sign-ins; try again in {left} s", retry_after=left)

    async def failed(self, account: str, address: str = "") -> None:
        """Count one failed sign-in; lock what reached its count."""
        for key, allowed in self._counted(account, address):
            if not (await self._limiter.hit(f"failed:{key}", allowed - 1, self._policy.window_s)).allowed:
                await self._limiter.lock(key, self._policy.lockout_s)

    def _counted(self, account: str, address: str) -> list[tuple[str, int]]:
        """The keys failures count against, each with the failures that lock it."""
        counted = []
        if account.strip():
            counted.append((f"signin:account:{account.strip().lower()[:254]}", self._policy.failures_per_account))
        if address:
            counted.append((f"signin:address:{address}", self._policy.failures_per_address))
        return counted


_KEY_PREFIX = "pai_"


class ApiKeys:
    """Creating, rotating, revoking and checking API keys; secrets are shown once and stored hashed."""

    def __init__(self, *, keys: ApiKeyRepository, organizations: OrganizationRepository) -> None:
        self._keys = keys
        self._organizations = organizations

    async def create(
        self, organization_id: str, user_id: str, name: str, scopes: tuple[Scope, ...]
    ) -> tuple[ApiKey, str]:
        """A new key and its secret (the only time the secret is seen)."""
        prefix, secret = self._new_secret()
        key = ApiKey.create(
            organization_id=organization_id,
            created_by=user_id,
            name=name,
            scopes=scopes,
            prefix=prefix,
            secret_hash=_digest(secret),
        )
        await self._keys.add(key)
        return key, secret

    async def rotate(self, organization_id: str, key_id: str) -> tuple[ApiKey, str]:
        """A new secret for the key; the old secret stops working."""
        key = await self._keys.get(organization_id, key_id)
        if not key.active:
            raise Conflict("a revoked key cannot be rotated")
        prefix, secret = self._new_secret()
        key.rotate(prefix, _digest(secret))
        await self._keys.save(key)
        return key, secret

    async def revoke(self, organization_id: str, key_id: str) -> None:
        """Stop the key for good."""
        key = await self._keys.get(organization_id, key_id)
        key.revoke()
        await self._keys.save(key)

    async def authenticate(self, secret: str) -> Principal:
        """The key's principal; ``Unauthorized`` for unknown, revoked or orphaned keys."""
        prefix = secret.removeprefix(_KEY_PREFIX).partition("_")[0] if secret.startswith(_KEY_PREFIX) else ""
        key = await self._keys.by_prefix(prefix) if prefix else None
        if key is None or not secrets.compare_digest(key.secret_hash, _digest(secret)):
            raise Unauthorized("the API key is not valid")
        if not key.active:
            raise Unauthorized("the API key has been revoked")
        if await self._organizations.membership(key.organization_id, key.created_by) is None:
            raise Unauthorized("the API key's creator is no longer a member of its organization")
        return Principal(key.created_by, "", key.organization_id, frozenset(key.scopes))

    @staticmethod
    def _new_secret() -> tuple[str, str]:
        prefix = secrets.token_hex(6)
        return prefix, f"{_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
