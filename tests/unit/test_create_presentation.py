"""Creating a presentation, as the API and the pages share it: what is stored, filed and journalled."""

from __future__ import annotations

import pytest

from presentai.adapters.memory.accounts import InProcessAuditLog
from presentai.adapters.memory.repositories import InProcessPresentationRepository, InProcessProjectRepository
from presentai.domain.audit import AuditQuery
from presentai.domain.errors import NotFound, SlideCountOutOfRange, ValidationFailed
from presentai.domain.limits import Limits
from presentai.domain.presentation import GenerationParameters, PresentationStatus
from presentai.domain.projects import Project
from presentai.services.presentations import CreatePresentation
from presentai.services.projects import Actor

ORG = "org-1"
ANNA = Actor("anna", "user", "203.0.113.7", "req-1")


class Setup:
    """The command on in-process repositories and journal."""

    def __init__(self, max_slides: int = 100, limits: Limits | None = None) -> None:
        self.projects = InProcessProjectRepository()
        self.presentations = InProcessPresentationRepository()
        self.audit = InProcessAuditLog()
        self.create = CreatePresentation(
            presentations=self.presentations,
            projects=self.projects,
            audit=self.audit,
            max_slides=max_slides,
            limits=limits or Limits(),
        )

    async def journal(self) -> list[tuple[str, str, str, str]]:
        entries = await self.audit.query(AuditQuery(ORG, 100))
        return [(e.action, e.target_id, e.actor_id, e.ip) for e in reversed(entries)]


async def test_a_created_presentation_is_a_stored_draft_in_its_project_and_journalled() -> None:
    setup = Setup()
    project = Project.start(ORG, "Q3")
    await setup.projects.add(project)
    made = await setup.create(
        ANNA, ORG, "Grid", GenerationParameters(slide_count=4), project_id=project.id, theme="dark"
    )
    stored = await setup.presentations.get(ORG, made.id)
    assert (stored.title, stored.status, stored.project_id, stored.theme) == (
        "Grid",
        PresentationStatus.DRAFT,
        project.id,
        "dark",
    )
    assert stored.parameters.slide_count == 4
    assert await setup.journal() == [("presentation.create", made.id, "anna", "203.0.113.7")]


async def test_without_a_title_or_project_it_is_untitled_and_in_no_project() -> None:
    setup = Setup()
    made = await setup.create(ANNA, ORG, "", GenerationParameters())
    assert (made.title, made.project_id) == ("Untitled presentation", "")


async def test_another_organizations_project_is_not_found_and_nothing_is_stored() -> None:
    setup = Setup()
    theirs = Project.start("org-2", "Theirs")
    await setup.projects.add(theirs)
    with pytest.raises(NotFound):
        await setup.create(ANNA, ORG, "Grid", GenerationParameters(), project_id=theirs.id)
    assert await setup.presentations.page(ORG, 10) == []
    assert await setup.journal() == []


@pytest.mark.parametrize(
    ("title", "parameters", "theme", "error"),
    [
        ("t" * 11, GenerationParameters(slide_count=3), "light", ValidationFailed),
        ("Grid", GenerationParameters(slide_count=6), "light", SlideCountOutOfRange),
        ("Grid", GenerationParameters(slide_count=3), "neon", ValidationFailed),
    ],
)
async def test_what_the_plan_or_the_limits_refuse_is_not_stored_or_journalled(
    title: str, parameters: GenerationParameters, theme: str, error: type[Exception]
) -> None:
    setup = Setup(max_slides=5, limits=Limits(title_chars=10))
    with pytest.raises(error) as refused:
        await setup.create(ANNA, ORG, title, parameters, theme=theme)
    assert refused.type is error
    assert await setup.presentations.page(ORG, 10) == []
    assert await setup.journal() == []
