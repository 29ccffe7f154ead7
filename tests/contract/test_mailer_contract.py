"""The Mailer contract: SMTP against a real SMTP server (aiosmtpd) and the outbox folder."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from presentai.adapters.mail.smtp import OutboxMailer, SmtpMailer
from presentai.domain.errors import MailUnavailable
from presentai.ports.mail import Email, Mailer
from tests.conftest import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.content  # type: ignore[attr-defined]
        self.messages.append(email.message_from_bytes(content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=60)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def received(request: pytest.FixtureRequest, mailer_kind: str, tmp_path: Path) -> list[EmailMessage]:
    if mailer_kind == "smtp":
        return request.getfixturevalue("smtp_server")[1].messages
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for p in sorted((tmp_path / "outbox").glob("*.eml"))
    ]


@pytest.fixture(params=["smtp", "outbox"])
def mailer(request: pytest.FixtureRequest, tmp_path: Path) -> Mailer:
    if request.param == "smtp":
        controller, _ = request.getfixturevalue("smtp_server")
        return SmtpMailer(f"smtp://127.0.0.1:{controller.port}", "PresentAI <noreply@presentai.example>")
    return OutboxMailer(tmp_path / "outbox", "PresentAI <noreply@presentai.example>")


async def test_a_message_arrives_with_its_headers_and_unicode_text(
    mailer: Mailer, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    await mailer.send(Email("anna@example.com", "Подтвердите адрес", "Откройте ссылку: https://x/verify?token=abc"))
    await mailer.send(Email("boris@example.com", "Second", "Two"))
    messages = received(request, request.node.callspec.params["mailer"], tmp_path)
    assert [m["To"] for m in messages] == ["anna@example.com", "boris@example.com"]
    first = messages[0]
    assert first["Subject"] == "Подтвердите адрес"
    assert "noreply@presentai.example" in first["From"]
    assert first.get_content().strip() == "Откройте ссылку: https://x/verify?token=abc"
    assert first["Message-ID"]


async def test_an_unreachable_smtp_server_is_unavailable(refusing_port: int) -> None:
    mailer = SmtpMailer(f"smtp://127.0.0.1:{refusing_port}", "noreply@presentai.example", timeout_s=2)
    with pytest.raises(MailUnavailable):
        await mailer.send(Email("anna@example.com", "Hello", "Text"))


def test_smtp_urls_are_checked() -> None:
    with pytest.raises(ValueError, match="SMTP URL"):
        SmtpMailer("http://mail.example.com", "noreply@presentai.example")
