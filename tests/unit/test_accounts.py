"""Roles, the RBAC policy, and what makes a valid user or organization."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from presentai.domain.accounts import (
    UI_LANGUAGES,
    Action,
    Membership,
    Organization,
    Role,
    User,
    authorize,
    check_membership_change,
    check_password,
    normalize_email,
)
from presentai.domain.errors import Conflict, InsufficientRole, ValidationFailed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.VIEWER, {Action.READ}),
        (Role.EDITOR, {Action.READ, Action.EDIT}),
        (
            Role.ADMIN,
            {
                Action.READ,
                Action.EDIT,
                Action.MANAGE_BRAND_KITS,
                Action.MANAGE_ORGANIZATION,
                Action.MANAGE_MEMBERS,
                Action.MANAGE_INTEGRATIONS,
            },
        ),
        (Role.OWNER, set(Action)),
    ],
)
def test_each_role_may_do_exactly_what_the_spec_table_says(role: Role, allowed: set[Action]) -> None:
    for action in Action:
        if action in allowed:
            authorize(role, action)
        else:
            with pytest.raises(InsufficientRole):
                authorize(role, action)


def test_a_refusal_names_the_required_and_the_current_role() -> None:
    with pytest.raises(InsufficientRole) as refused:
        authorize(Role.VIEWER, Action.EDIT)
    assert (refused.value.required, refused.value.current) == ("editor", "viewer")
    assert str(refused.value) == "This action requires editor role or higher"
    assert refused.value.code == "insufficient_role"


@pytest.mark.parametrize("email", ["", "no-at-sign", "a@b", "two@@signs.com", "sp ace@x.org"])
def test_malformed_email_addresses_are_refused(email: str) -> None:
    with pytest.raises(ValidationFailed):
        normalize_email(email)


def test_email_addresses_are_compared_case_insensitively() -> None:
    assert User.register("  Anna.Petrova@Example.COM ", "", "hash").email == "anna.petrova@example.com"


def test_short_passwords_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        check_password("short")
    check_password("long enough password")


def test_an_organization_gets_a_slug_from_its_name_unless_given_one() -> None:
    assert Organization.found("Northwind Grid Ltd.").slug == "northwind-grid-ltd"
    assert Organization.found("Северный кряж", slug="north").slug == "north"
    with pytest.raises(ValidationFailed):
        Organization.found("  ")
    with pytest.raises(ValidationFailed):
        Organization.found("X", slug="Bad Slug")


def m(role: Role, user: str = "u") -> Membership:
    return Membership("org", user, role)


@pytest.mark.parametrize(
    ("actor", "target", "new_role", "owners", "error"),
    [
        (Role.EDITOR, Role.VIEWER, Role.EDITOR, 1, InsufficientRole),  # editors do not manage members
        (Role.ADMIN, Role.VIEWER, Role.EDITOR, 1, None),
        (Role.ADMIN, Role.EDITOR, None, 1, None),
        (Role.ADMIN, Role.OWNER, Role.ADMIN, 2, InsufficientRole),  # nobody acts above their own role
        (Role.ADMIN, Role.EDITOR, Role.OWNER, 1, InsufficientRole),  # only owners make owners
        (Role.OWNER, Role.EDITOR, Role.OWNER, 1, None),
        (Role.OWNER, Role.OWNER, Role.ADMIN, 1, Conflict),  # the last owner stays
        (Role.OWNER, Role.OWNER, None, 1, Conflict),
        (Role.OWNER, Role.OWNER, None, 2, None),
    ],
)
def test_membership_changes_follow_the_role_rules_and_keep_an_owner(
    actor: Role, target: Role, new_role: Role | None, owners: int, error: type[Exception] | None
) -> None:
    if error is None:
        check_membership_change(m(actor, "a"), m(target, "t"), new_role, owners)
    else:
        with pytest.raises(error):
            check_membership_change(m(actor, "a"), m(target, "t"), new_role, owners)


def test_quality_metrics_are_computed_per_template_version() -> None:
    from presentai.domain.tracing import GenerationTrace, quality_by_template

    def trace(
        version: str, kind: str, *, bullets: int = 0, attributed: int = 0, supported: int = 0, fallback: bool = False
    ) -> GenerationTrace:
        return GenerationTrace(
            "org", "p", "j", kind, "prompt", "{}", "anthropic", "m", 100, 50, 400, fallback, version,
            bullets=bullets, attributed=attributed, supported=supported,
        )  # fmt: skip

    traces = [
        trace("v1", "outline"),
        trace("v1", "slide", bullets=4, attributed=4, supported=3),
        trace("v1", "slide", bullets=4, attributed=3, supported=2, fallback=True),
        trace("v1", "regenerate", bullets=2, attributed=2, supported=2),
        trace("v2", "slide", bullets=5, attributed=5, supported=5),
    ]
    v1, v2 = quality_by_template(traces)
    assert (v1.template_version, v1.calls, v1.slides) == ("v1", 4, 2)
    assert v1.regeneration_rate == 0.5
    assert v1.attribution_coverage == 0.9  # 9 of 10 bullets cite a passage
    assert v1.unsupported_bullet_rate == 0.3  # 3 of 10
    assert (v1.latency_ms_per_slide, v1.tokens_per_slide, v1.fallback_rate) == (400.0, 150.0, 0.25)
    assert (v2.template_version, v2.unsupported_bullet_rate) == ("v2", 0.0)
    assert quality_by_template([]) == []


def test_prompt_versions_share_calls_by_weight_and_bad_ones_are_refused() -> None:
    import random

    import pytest

    from presentai.domain.errors import ValidationFailed
    from presentai.domain.prompts import PromptTemplate, choose

    a, b, off = (PromptTemplate.draft("slide", "You write one slide. Answer with JSON.") for _ in range(3))
    a.configure(active=True, weight=75)
    b.configure(active=True, weight=25)
    off.configure(active=False, weight=1000)
    rng = random.Random(7)
    picks = [choose([a, b, off], "slide", rng) for _ in range(2000)]
    share = sum(p is a for p in picks) / len(picks)
    assert 0.70 < share < 0.80
    assert off not in picks
    assert choose([a, b], "outline") is None  # nothing active for it: the built-in prompt is used
    with pytest.raises(ValidationFailed):
        PromptTemplate.draft("title", "You write one slide. Answer with JSON.")
    with pytest.raises(ValidationFailed):
        PromptTemplate.draft("slide", "short")
    with pytest.raises(ValidationFailed):
        a.configure(weight=-1)


def test_a_user_chooses_one_of_the_ui_languages_or_none() -> None:
    user = User.register("lang@example.com", "Lang", "hash")
    assert user.language == ""  # not chosen: the browser's language decides
    for language in ("ru", "en", ""):
        user.language = language
        assert user.language == language
    assert UI_LANGUAGES == ("en", "ru")


@pytest.mark.parametrize("language", ["de", "RU", "ru-RU", " ru", "english"])
def test_a_language_the_ui_does_not_have_is_refused(language: str) -> None:
    user = User.register("lang@example.com", "Lang", "hash")
    user.language = "ru"
    with pytest.raises(ValidationFailed) as refused:
        user.language = language
    assert refused.value.fields == {"language": "unknown"}
    assert user.language == "ru"
    with pytest.raises(ValidationFailed):
        User("u-1", "lang@example.com", "Lang", "hash", language=language)


def test_erasing_a_user_forgets_the_language() -> None:
    user = User.register("lang@example.com", "Lang", "hash")
    user.language = "ru"
    user.anonymise(datetime.now(UTC))
    assert user.language == ""
