"""The project commands the API and the web pages share: what they store and what the journal records."""

from __future__ import annotations

import pytest

from presentai.adapters.memory.accounts import InProcessAuditLog
from presentai.adapters.memory.repositories import InProcessPresentationRepository, InProcessProjectRepository
from presentai.domain.audit import AuditQuery
from presentai.domain.errors import Conflict, NotFound, ValidationFailed
from presentai.domain.limits import Limits
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.services.projects import Actor, ProjectChange, Projects

ORG = "org-1"
ANNA = Actor("anna", "user", "203.0.113.7", "req-1")


class Setup:
    """The commands on in-process repositories and journal."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.projects = InProcessProjectRepository()
        self.presentations = InProcessPresentationRepository()
        self.audit = InProcessAuditLog()
        self.commands = Projects(
            projects=self.projects, presentations=self.presentations, audit=self.audit, limits=limits or Limits()
        )

    async def journal(self) -> list[tuple[str, str, str, str, str, str]]:
        entries = await self.audit.query(AuditQuery(ORG, 100))
        return [(e.action, e.target_id, e.actor_id, e.actor_kind, e.ip, e.request_id) for e in reversed(entries)]


async def test_a_created_project_is_stored_trimmed_and_journalled_with_who_and_where() -> None:
    setup = Setup()
    project = await setup.commands.create(ANNA, ORG, "  Q3 review ", " Board decks ")
    stored = await setup.projects.get(ORG, project.id)
    assert (stored.name, stored.description, stored.archived) == ("Q3 review", "Board decks", False)
    assert await setup.journal() == [("project.create", project.id, "anna", "user", "203.0.113.7", "req-1")]


async def test_a_project_needs_a_name_and_nothing_is_stored_or_journalled_without_one() -> None:
    setup = Setup()
    with pytest.raises(ValidationFailed) as refused:
        await setup.commands.create(ANNA, ORG, "   ")
    assert "name" in refused.value.fields
    assert await setup.projects.list(ORG, True) == []
    assert await setup.journal() == []


async def test_names_and_descriptions_longer_than_the_limits_are_refused_naming_each_field() -> None:
    setup = Setup(Limits(title_chars=10, topic_chars=20))
    with pytest.raises(ValidationFailed) as refused:
        await setup.commands.create(ANNA, ORG, "n" * 11, "d" * 21)
    assert set(refused.value.fields) == {"name", "description"}
    project = await setup.commands.create(ANNA, ORG, "n" * 10, "d" * 20)
    with pytest.raises(ValidationFailed):
        await setup.commands.change(ANNA, project, ProjectChange(description="d" * 21))
    assert (await setup.projects.get(ORG, project.id)).description == "d" * 20


async def test_a_change_renames_describes_and_archives_leaving_what_it_does_not_name() -> None:
    setup = Setup()
    project = await setup.commands.create(ANNA, ORG, "Draft", "Old")
    await setup.commands.change(ANNA, project, ProjectChange(name=" Final "))
    await setup.commands.change(ANNA, project, ProjectChange(archived=True))
    stored = await setup.projects.get(ORG, project.id)
    assert (stored.name, stored.description, stored.archived) == ("Final", "Old", True)
    await setup.commands.change(ANNA, stored, ProjectChange(description=" New ", archived=False))
    stored = await setup.projects.get(ORG, project.id)
    assert (stored.name, stored.description, stored.archived) == ("Final", "New", False)
    assert [a for a, *_ in await setup.journal()] == ["project.create"] + ["project.update"] * 3


async def test_an_api_key_is_journalled_as_such() -> None:
    setup = Setup()
    await setup.commands.create(Actor("key-owner", "api_key"), ORG, "From a script")
    assert [(actor, kind) for _a, _t, actor, kind, *_ in await setup.journal()] == [("key-owner", "api_key")]


async def test_an_empty_project_is_deleted_and_the_deletion_journalled() -> None:
    setup = Setup()
    project = await setup.commands.create(ANNA, ORG, "Scratch")
    await setup.commands.delete(ANNA, project)
    with pytest.raises(NotFound):
        await setup.projects.get(ORG, project.id)
    assert [(a, t) for a, t, *_ in await setup.journal()][-1] == ("project.delete", project.id)


async def test_a_project_holding_a_presentation_is_kept_and_no_deletion_journalled() -> None:
    setup = Setup()
    project = await setup.commands.create(ANNA, ORG, "Busy")
    presentation = Presentation.create(ORG, "Deck", GenerationParameters())
    presentation.project_id = project.id
    await setup.presentations.add(presentation)
    with pytest.raises(Conflict):
        await setup.commands.delete(ANNA, project)
    assert (await setup.projects.get(ORG, project.id)).name == "Busy"
    assert [a for a, *_ in await setup.journal()] == ["project.create"]
