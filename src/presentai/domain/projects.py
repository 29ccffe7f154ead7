"""Projects: an organization's folders of presentations."""

from __future__ import annotations

from datetime import UTC, datetime

from attrs import define, field

from presentai.domain.errors import Conflict, ValidationFailed
from presentai.domain.ids import new_id


@define
class Project:
    """A named group of presentations; archived projects stay readable."""

    id: str
    organization_id: str
    name: str
    description: str = ""
    archived: bool = False
    created_at: datetime = field(factory=lambda: datetime.now(UTC))

    @classmethod
    def start(cls, organization_id: str, name: str, description: str = "") -> Project:
        """A new project."""
        project = cls(new_id(), organization_id, "", description.strip())
        project.rename(name)
        return project

    def rename(self, name: str) -> None:
        """Give the project another (non-empty) name."""
        if not name.strip():
            raise ValidationFailed("the project needs a name", {"name": "required"})
        self.name = name.strip()[:200]

    def ensure_deletable(self, presentations: int) -> None:
        """Only an empty project may be deleted."""
        if presentations:
            raise Conflict(f"the project still holds {presentations} presentation(s); move or delete them first")
