"""Sending email (verification links, later notifications)."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen


@frozen
class Email:
    """A plain-text message to one recipient."""

    to: str
    subject: str
    text: str


class Mailer(Protocol):
    """Delivers email."""

    async def send(self, email: Email) -> None:
        """Hand the message over for delivery; ``MailUnavailable`` if that is not possible now."""
        ...
