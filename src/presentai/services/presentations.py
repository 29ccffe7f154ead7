"""Creating a presentation, as the API and the web pages both do it: checked, filed in a project, journalled."""

from __future__ import annotations

from presentai.domain.limits import DEFAULT_LIMITS, Limits
from presentai.domain.presentation import DEFAULT_THEME, MAX_SLIDES, GenerationParameters, Presentation
from presentai.ports.accounts import AuditLog
from presentai.ports.repositories import PresentationRepository, ProjectRepository
from presentai.services.projects import Actor


class CreatePresentation:
    """Makes a new draft presentation (the caller's right to act is checked before)."""

    def __init__(
        self,
        *,
        presentations: PresentationRepository,
        projects: ProjectRepository,
        audit: AuditLog,
        max_slides: int = MAX_SLIDES,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self._presentations = presentations
        self._projects = projects
        self._audit = audit
        self._max_slides = max_slides
        self._limits = limits

    async def __call__(
        self,
        actor: Actor,
        organization_id: str,
        title: str,
        parameters: GenerationParameters,
        *,
        project_id: str = "",
        theme: str = DEFAULT_THEME,
    ) -> Presentation:
        """A new draft in the organization, in its project ``project_id`` if given (another one's: ``NotFound``)."""
        presentation = Presentation.create(
            organization_id, title, parameters, self._max_slides, self._limits, theme=theme
        )
        if project_id:
            await self._projects.get(organization_id, project_id)
            presentation.project_id = project_id
        await self._presentations.add(presentation)
        await self._audit.record(actor.entry(organization_id, "presentation.create", "presentation", presentation.id))
        return presentation
