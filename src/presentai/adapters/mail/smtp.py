"""Mailers: SMTP for a deployment, an outbox folder of .eml files for the embedded defaults."""

from __future__ import annotations

import asyncio
import email.message
import email.utils
import smtplib
import ssl
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from presentai.domain.errors import MailUnavailable
from presentai.domain.ids import new_id
from presentai.ports.mail import Email


def _message(mail: Email, sender: str) -> email.message.EmailMessage:
    message = email.message.EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = email.utils.formatdate(localtime=False)
    message["Message-ID"] = email.utils.make_msgid(domain=sender.rpartition("@")[2] or "presentai.local")
    message.set_content(mail.text)
    return message


class SmtpMailer:
    """Sends through an SMTP server named by a URL.

    ``smtp://user:password@host:587?starttls=true`` (STARTTLS), ``smtps://…:465`` (TLS from the
    start), or ``smtp://host:25`` (plain, for a relay on a private network).
    """

    def __init__(self, url: str, sender: str, timeout_s: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"an SMTP URL looks like smtp://user:password@host:587, got {url!r}")
        self._tls = parts.scheme == "smtps"
        self._starttls = parse_qs(parts.query).get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
        self._host = parts.hostname
        self._port = parts.port or (465 if self._tls else 25)
        self._user = unquote(parts.username or "")
        self._password = unquote(parts.password or "")
        self._sender = sender
        self._timeout = timeout_s

    async def send(self, email: Email) -> None:
        """Deliver one message in a worker thread."""
        message = _message(email, self._sender)
        try:
            await asyncio.to_thread(self._send, message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailUnavailable(f"the mail server could not take the message: {error}", "smtp") from error

    def _send(self, message: email.message.EmailMessage) -> None:
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self._tls:
            client = smtplib.SMTP_SSL(self._host, self._port, timeout=self._timeout, context=context)
        else:
            client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        with client:
            if self._starttls:
                client.starttls(context=context)
            if self._user:
                client.login(self._user, self._password)
            client.send_message(message)


class OutboxMailer:
    """Writes each message as an .eml file into a folder: the embedded default, where no mail server is."""

    def __init__(self, folder: Path, sender: str) -> None:
        self._folder = folder
        self._sender = sender

    async def send(self, email: Email) -> None:
        """Store the message where the user (or a test) can open it."""
        message = _message(email, self._sender)
        try:
            await asyncio.to_thread(self._write, message)
        except OSError as error:
            raise MailUnavailable(f"the outbox folder cannot be written: {error}", "outbox") from error

    def _write(self, message: email.message.EmailMessage) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        partial = self._folder / f".{new_id()}.partial"
        partial.write_bytes(message.as_bytes())
        partial.rename(self._folder / f"{new_id()}.eml")  # ids sort by time
