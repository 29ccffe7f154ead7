"""Importing a source from a web address."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen


@frozen
class FetchedFile:
    """What a URL answered: a name for the file and its bytes."""

    url: str  # the final address, after redirects
    filename: str
    data: bytes


class UrlFetcher(Protocol):
    """Downloads a user-given URL without letting it reach what the user may not."""

    async def fetch(self, url: str) -> FetchedFile:
        """The file at ``url``.

        Raises ``ValidationFailed`` (field ``url``) for an address that is not http(s), points at a
        private, loopback, link-local or metadata address (also after a redirect), or cannot be
        fetched; ``FileTooLarge`` when the body passes the size limit.
        """
        ...
