"""The one error tree of PresentAI.

::

    PresentAIError
    ├── NotFound                      a resource does not exist (or belongs to another tenant)
    ├── Unauthorized                  no valid credentials (missing, wrong, expired, revoked)
    ├── Forbidden                     authenticated, but not allowed
    │   ├── InsufficientRole          the member's role is too low
    │   └── InsufficientScope         the API key lacks the scope
    ├── ValidationFailed              a business rule was violated (field errors attached)
    │   ├── SlideCountOutOfRange
    │   └── PlanRequired              the organization's plan does not include the feature
    ├── Conflict                      the resource is in a state that forbids the action
    ├── Gone                          the resource was deleted (or a link expired)
    ├── RateLimited                   too many requests; ``retry_after`` seconds
    ├── SourceError                   a source document cannot be used
    │   ├── UnsupportedFileType       the content is not a format we read
    │   ├── FileTooLarge              over the size, page or decompression limit
    │   ├── CorruptDocument           the file is damaged or truncated
    │   ├── EncryptedDocument         the file is password-protected
    │   └── EmptyDocument             no extractable text (empty, or a scan with no text layer)
    ├── NoUsableSources               not one source of a generation could be ingested
    ├── WorkspaceInUse                another process holds the embedded workspace
    ├── ProviderError                 an outside system failed
    │   ├── EmbeddingUnavailable
    │   ├── VectorIndexUnavailable
    │   ├── StorageUnavailable
    │   ├── DatabaseUnavailable
    │   ├── TokenizerUnavailable
    │   └── LLMUnavailable
    └── RenderError                   the deck could not be written
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from attrs import define, field


@define(eq=False)
class PresentAIError(Exception):
    """Base of every error PresentAI raises on purpose."""

    message: str

    def __str__(self) -> str:
        return self.message

    @property
    def code(self) -> str:
        """The class name in snake_case, e.g. ``CorruptDocument`` → ``corrupt_document``."""
        return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", type(self).__name__).lower()


@define(eq=False)
class NotFound(PresentAIError):
    """A resource does not exist, or is not visible to the caller's tenant."""

    resource: str = ""
    resource_id: str = ""

    @classmethod
    def of(cls, resource: str, resource_id: str) -> NotFound:
        """Build the error for one missing resource."""
        return cls(f"{resource} {resource_id} not found", resource, resource_id)


@define(eq=False)
class Unauthorized(PresentAIError):
    """No valid credentials: missing, wrong, expired or revoked."""


@define(eq=False)
class Forbidden(PresentAIError):
    """Authenticated, but not allowed to do this."""


@define(eq=False)
class InsufficientRole(Forbidden):
    """The member's role is below the one the action requires."""

    required: str = ""
    current: str = ""


@define(eq=False)
class InsufficientScope(Forbidden):
    """The API key does not carry the scope the action requires."""

    required: str = ""


@define(eq=False)
class ValidationFailed(PresentAIError):
    """A business rule was violated; ``fields`` maps field names to problems."""

    fields: Mapping[str, str] = field(factory=dict)


@define(eq=False)
class SlideCountOutOfRange(ValidationFailed):
    """The requested number of slides is outside the allowed range."""


@define(eq=False)
class PlanRequired(ValidationFailed):
    """The organization's plan (``current``) does not include the feature; ``required`` is the lowest that does."""

    required: str = ""
    current: str = ""


@define(eq=False)
class Conflict(PresentAIError):
    """The resource's current state forbids the requested action."""


@define(eq=False)
class Gone(PresentAIError):
    """The resource was deleted, or a link to it has expired."""


@define(eq=False)
class RateLimited(PresentAIError):
    """Too many requests in the current window; try again after ``retry_after`` seconds."""

    retry_after: int = 60


@define(eq=False)
class TokenLimitExceeded(PresentAIError):
    """The organization's monthly token quota is spent; it resets in ``retry_after`` seconds."""

    retry_after: int = 60


@define(eq=False)
class SourceError(PresentAIError):
    """A source document cannot be used; ``source`` names it for the user."""

    source: str = ""


@define(eq=False)
class UnsupportedFileType(SourceError):
    """The content is not a format PresentAI reads."""


@define(eq=False)
class FileTooLarge(SourceError):
    """The file is over a size, page or decompression limit."""

    limit: int = 0


@define(eq=False)
class StorageLimitExceeded(FileTooLarge):
    """Storing the file would take the organization past its plan's storage (``limit`` bytes, ``stored`` now)."""

    stored: int = 0
    size: int = 0


@define(eq=False)
class CorruptDocument(SourceError):
    """The file is damaged, truncated or not what its format claims."""


@define(eq=False)
class EncryptedDocument(SourceError):
    """The file is password-protected."""


@define(eq=False)
class EmptyDocument(SourceError):
    """The file has no extractable text (empty, or a scan without a text layer)."""


@define(eq=False)
class NoUsableSources(PresentAIError):
    """Not one source of a generation could be ingested."""

    failures: tuple[SourceError, ...] = ()


@define(eq=False)
class WorkspaceInUse(PresentAIError):
    """Another process holds the embedded workspace (its local vector index allows one process)."""


@define(eq=False)
class ProviderError(PresentAIError):
    """An outside system failed; ``provider`` names it."""

    provider: str = ""


@define(eq=False)
class EmbeddingUnavailable(ProviderError):
    """The embedding model or service could not embed the text."""


@define(eq=False)
class VectorIndexUnavailable(ProviderError):
    """The vector index could not be read or written."""


@define(eq=False)
class StorageUnavailable(ProviderError):
    """The object store could not be read or written."""


@define(eq=False)
class RetryLater(ProviderError):
    """A job must wait for an outside system and run again in ``delay_s`` seconds."""

    delay_s: int = 300


@define(eq=False)
class MailUnavailable(ProviderError):
    """The mail server refused or could not be reached."""


@define(eq=False)
class DatabaseUnavailable(ProviderError):
    """The relational store cannot be reached or refused a statement."""


@define(eq=False)
class TokenizerUnavailable(ProviderError):
    """The tokenizer's encoding files are missing or do not match their expected hash."""


@define(eq=False)
class LLMUnavailable(ProviderError):
    """Every configured language model failed; ``retry_after`` is in seconds."""

    retry_after: int = 60


@define(eq=False)
class RenderError(PresentAIError):
    """The deck could not be written."""
