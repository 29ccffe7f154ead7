"""Projects: create, change (rename, describe, archive, restore) and delete an empty one, each journalled."""

from __future__ import annotations

from attrs import frozen

from presentai.domain.audit import AuditEntry
from presentai.domain.errors import ValidationFailed
from presentai.domain.limits import DEFAULT_LIMITS, Limits
from presentai.domain.projects import Project
from presentai.ports.accounts import AuditLog
from presentai.ports.repositories import PresentationRepository, ProjectRepository


@frozen
class Actor:
    """Who acts and from where, as the journal records it."""

    user_id: str
    kind: str = "user"  # "user" or "api_key"
    ip: str = ""
    request_id: str = ""

    def entry(self, organization_id: str, action: str, target_type: str, target_id: str) -> AuditEntry:
        """The journal's entry of an action this actor has just done."""
        return AuditEntry.record(
            organization_id=organization_id,
            actor_id=self.user_id,
            actor_kind=self.kind,
            action=action,
            target_type=target_type,
            target_id=target_id,
            ip=self.ip,
            request_id=self.request_id,
        )


@frozen
class ProjectChange:
    """What to change in a project; ``None`` leaves a field as it is."""

    name: str | None = None
    description: str | None = None
    archived: bool | None = None


class Projects:
    """The project commands the API and the web pages share (the caller's right to act is checked before)."""

    def __init__(
        self,
        *,
        projects: ProjectRepository,
        presentations: PresentationRepository,
        audit: AuditLog,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self._projects = projects
        self._presentations = presentations
        self._audit = audit
        self._limits = limits

    def check(self, name: str | None, description: str | None = None) -> None:
        """``ValidationFailed`` naming a name or description longer than the limits allow."""
        problems: dict[str, str] = {}
        self._limits.text(problems, "name", name, self._limits.title_chars)
        self._limits.text(problems, "description", description, self._limits.topic_chars)
        if problems:
            raise ValidationFailed("some fields are too long", problems)

    async def create(self, actor: Actor, organization_id: str, name: str, description: str = "") -> Project:
        """A new project in the organization."""
        self.check(name, description)
        project = Project.start(organization_id, name, description)
        await self._projects.add(project)
        await self._audit.record(actor.entry(organization_id, "project.create", "project", project.id))
        return project

    async def change(self, actor: Actor, project: Project, change: ProjectChange) -> Project:
        """Rename, describe, archive or restore the project."""
        self.check(change.name, change.description)
        if change.name is not None:
            project.rename(change.name)
        if change.description is not None:
            project.description = change.description.strip()
        if change.archived is not None:
            project.archived = change.archived
        await self._projects.save(project)
        await self._audit.record(actor.entry(project.organization_id, "project.update", "project", project.id))
        return project

    async def delete(self, actor: Actor, project: Project) -> None:
        """Delete the project; ``Conflict`` while it holds a presentation."""
        held = await self._presentations.page(project.organization_id, 1, project_id=project.id)
        project.ensure_deletable(len(held))
        await self._projects.delete(project.organization_id, project.id)
        await self._audit.record(actor.entry(project.organization_id, "project.delete", "project", project.id))
