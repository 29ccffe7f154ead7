"""Users, organizations, memberships and roles, and the one RBAC policy every action asks."""

from __future__ import annotations

import enum
import re
from datetime import UTC, datetime

from attrs import define, field, frozen

from presentai.domain.errors import Conflict, InsufficientRole, ValidationFailed
from presentai.domain.ids import new_id
from presentai.domain.limits import DEFAULT_LIMITS, Limits

_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1_000  # a passphrase, not a document to hash
LAST_OWNER = "the organization's last owner cannot be removed or demoted; make someone else owner first"
UI_LANGUAGES = ("en", "ru")  # the web UI's languages: a profile may choose one, the pages offer exactly these


class Role(enum.StrEnum):
    """A member's role in an organization, lowest first."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        """Position in viewer < editor < admin < owner."""
        return list(Role).index(self)


class Action(enum.StrEnum):
    """What a member may want to do (the spec's role table)."""

    READ = "read"  # projects, presentations, slides, sources, analytics
    EDIT = "edit"  # create/edit/delete content, generate, export, share links
    MANAGE_BRAND_KITS = "manage_brand_kits"
    MANAGE_ORGANIZATION = "manage_organization"  # name, slug, token usage
    MANAGE_MEMBERS = "manage_members"
    MANAGE_INTEGRATIONS = "manage_integrations"  # API keys, webhooks, audit log
    MANAGE_BILLING = "manage_billing"  # subscription, deleting the organization, ownership


_REQUIRED = {
    Action.READ: Role.VIEWER,
    Action.EDIT: Role.EDITOR,
    Action.MANAGE_BRAND_KITS: Role.ADMIN,
    Action.MANAGE_ORGANIZATION: Role.ADMIN,
    Action.MANAGE_MEMBERS: Role.ADMIN,
    Action.MANAGE_INTEGRATIONS: Role.ADMIN,
    Action.MANAGE_BILLING: Role.OWNER,
}


def required_role(action: Action) -> Role:
    """The lowest role allowed to perform ``action``."""
    return _REQUIRED[action]


def authorize(role: Role, action: Action) -> None:
    """Raise ``InsufficientRole`` unless ``role`` may perform ``action``."""
    needed = required_role(action)
    if role.rank < needed.rank:
        raise InsufficientRole(
            f"This action requires {needed.value} role or higher", required=needed.value, current=role.value
        )


def normalize_email(email: str) -> str:
    """The canonical form of an email address; ``ValidationFailed`` if it is not one."""
    clean = email.strip().lower()
    if not _EMAIL.match(clean) or len(clean) > 254:
        raise ValidationFailed("that is not a valid email address", {"email": "invalid"})
    return clean


@frozen
class CheckedEmail:
    """A valid address in its canonical form, and whether it looks like another (mixed scripts with
    lookalike letters, such as a Cyrillic "а" among Latin ones)."""

    address: str
    confusable: bool = False


def check_password(password: str, weakness: str | None = None) -> None:
    """Raise ``ValidationFailed`` for a password too weak to accept: too short, too long, only whitespace, or
    with a ``weakness`` an estimator found (one of the commonest passwords, the user's own email, …)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters", {"password": "too short"}
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"the password must have at most {MAX_PASSWORD_LENGTH} characters", {"password": "too long"}
        )
    if not password.strip():
        raise ValidationFailed("the password must not be only spaces", {"password": "only whitespace"})
    if weakness:
        raise ValidationFailed(f"the password is too easy to guess: {weakness}", {"password": "too common"})


def check_name(name: str, limits: Limits = DEFAULT_LIMITS, field: str = "name") -> None:
    """Raise ``ValidationFailed`` for a person's or an organization's name over the limit."""
    problems: dict[str, str] = {}
    limits.text(problems, field, name.strip(), limits.label_chars)
    if problems:
        raise ValidationFailed(f"the {field} is too long", problems)


def check_language(language: str) -> None:
    """Raise ``ValidationFailed`` unless ``language`` is one of the UI's languages or ``""`` (not chosen)."""
    if language and language not in UI_LANGUAGES:
        raise ValidationFailed(
            f"the language must be one of {', '.join(UI_LANGUAGES)} (or empty: not chosen)", {"language": "unknown"}
        )


def _valid_language(_user: object, _attribute: object, language: str) -> None:
    check_language(language)


@define
class User:
    """A person who signs in."""

    id: str
    email: str
    name: str
    password_hash: str
    is_platform_admin: bool = False
    created_at: datetime = field(factory=lambda: datetime.now(UTC))
    mfa_secret: str = ""  # set while enrolling (not yet enabled) and while enabled
    mfa_enabled: bool = False
    mfa_last_step: int = 0  # the TOTP time step last accepted: a code is never accepted twice
    recovery_hashes: tuple[str, ...] = ()  # SHA-256 of the unused one-time recovery codes
    deleted_at: datetime | None = None
    email_verified_at: datetime | None = None
    language: str = field(default="", validator=_valid_language)  # the pages' language; "" = not chosen

    @classmethod
    def register(cls, email: str, name: str, password_hash: str, limits: Limits = DEFAULT_LIMITS) -> User:
        """A new user; the password must already be hashed."""
        check_name(name, limits)
        return cls(new_id(), normalize_email(email), name.strip() or email.split("@", maxsplit=1)[0], password_hash)

    def verify_email(self, email: str, now: datetime) -> None:
        """Record that the user proved they read ``email`` (a link sent to an older address proves nothing)."""
        if normalize_email(email) != self.email or self.deleted_at is not None:
            raise ValidationFailed("this link is for another email address", {"token": "stale"})
        self.email_verified_at = self.email_verified_at or now

    def begin_mfa(self, secret: str) -> None:
        """Start enrolling in TOTP with a new secret; nothing changes at sign-in until it is confirmed."""
        if self.mfa_enabled:
            raise Conflict("two-factor sign-in is already on; turn it off first to enrol a new device")
        self.mfa_secret = secret
        self.mfa_last_step = 0

    def confirm_mfa(self, step: int | None, recovery_hashes: tuple[str, ...]) -> None:
        """Turn TOTP on once the user proved their device by a code (its time ``step``, or ``None`` if wrong)."""
        if not self.mfa_secret or self.mfa_enabled:
            raise ValidationFailed("start the enrolment first (POST /users/me/mfa)", {"code": "no enrolment"})
        self.accept_step(step)
        self.mfa_enabled = True
        self.recovery_hashes = recovery_hashes

    def accept_step(self, step: int | None) -> None:
        """Accept a code's time step once: a wrong code, or one already used, is ``ValidationFailed``."""
        if step is None or step <= self.mfa_last_step:
            raise ValidationFailed("the code is wrong or was already used", {"code": "invalid"})
        self.mfa_last_step = step

    def use_recovery_code(self, code_hash: str) -> bool:
        """Spend a recovery code; whether it was one of the unused ones."""
        if code_hash not in self.recovery_hashes:
            return False
        self.recovery_hashes = tuple(h for h in self.recovery_hashes if h != code_hash)
        return True

    def disable_mfa(self) -> None:
        """Turn TOTP off and forget the secret and the recovery codes."""
        self.mfa_secret, self.mfa_enabled, self.mfa_last_step, self.recovery_hashes = "", False, 0, ()

    def anonymise(self, now: datetime) -> None:
        """Erase everything personal (GDPR art. 17); the id stays so history keeps its shape."""
        self.email = f"deleted-{self.id}@deleted.invalid"
        self.name = "Deleted user"
        self.password_hash = ""
        self.is_platform_admin = False
        self.disable_mfa()
        self.email_verified_at = None
        self.language = ""
        self.deleted_at = now


@define
class Organization:
    """A tenant: its members share presentations, sources and billing."""

    id: str
    name: str
    slug: str
    plan: str = "free"
    created_at: datetime = field(factory=lambda: datetime.now(UTC))

    @classmethod
    def found(cls, name: str, slug: str = "", limits: Limits = DEFAULT_LIMITS) -> Organization:
        """A new organization."""
        clean = name.strip()
        if not clean:
            raise ValidationFailed("the organization needs a name", {"name": "required"})
        check_name(clean, limits)
        slug = slug or re.sub(r"[^a-z0-9]+", "-", clean.lower()).strip("-") or "org"
        _check_slug(slug)
        return cls(new_id(), clean, slug)

    def rename(self, name: str | None = None, slug: str | None = None, limits: Limits = DEFAULT_LIMITS) -> None:
        """Change the name or the slug (slugs are unique: the repository says if one is taken); all or nothing."""
        if name is not None:
            if not name.strip():
                raise ValidationFailed("the organization needs a name", {"name": "required"})
            check_name(name, limits)
        if slug is not None:
            _check_slug(slug)
        if name is not None:
            self.name = name.strip()
        if slug is not None:
            self.slug = slug


def _check_slug(slug: str) -> None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", slug):
        raise ValidationFailed("a slug is lower-case letters, digits and dashes", {"slug": "invalid"})


@frozen
class Membership:
    """A user's role in an organization."""

    organization_id: str
    user_id: str
    role: Role


@frozen
class Invitation:
    """An invitation of an email address to an organization, with the role it will have."""

    id: str
    organization_id: str
    email: str
    role: Role
    invited_by: str
    created_at: datetime = field(factory=lambda: datetime.now(UTC))

    @classmethod
    def to(cls, organization_id: str, email: str, role: Role, invited_by: str) -> Invitation:
        """A new invitation."""
        return cls(new_id(), organization_id, normalize_email(email), role, invited_by)


def check_membership_change(actor: Membership, target: Membership, new_role: Role | None, owners: int) -> None:
    """Raise unless ``actor`` may give ``target`` the ``new_role`` (``None``: remove them).

    Admins manage members; nobody acts on a role above their own, only owners
    make or unmake owners, and an organization always keeps an owner.
    """
    authorize(actor.role, Action.MANAGE_MEMBERS)
    touches_owner = target.role is Role.OWNER or new_role is Role.OWNER
    if target.role.rank > actor.role.rank or (touches_owner and actor.role is not Role.OWNER):
        raise InsufficientRole(
            "Only an owner can change or remove an owner", required=Role.OWNER.value, current=actor.role.value
        )
    if target.role is Role.OWNER and new_role is not Role.OWNER and owners <= 1:
        raise Conflict(LAST_OWNER)
