"""How big one thing may be: the one set of limits the edge and the domain both enforce.

The defaults are generous for people and small for attackers; ``Settings`` may change each
(``PRESENTAI_LIMIT_*``). Text lengths count characters, not bytes.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from attrs import frozen


@frozen
class Limits:
    """Upper bounds on what one request may store or make the service do."""

    title_chars: int = 500  # presentation, slide, project titles
    topic_chars: int = 5_000
    label_chars: int = 200  # tone, audience, a person's or an organization's name
    notes_chars: int = 20_000  # a slide's speaker notes
    bullet_chars: int = 2_000
    bullets_per_slide: int = 50
    slides_per_deck: int = 100  # slides a presentation may hold, generated or added by hand
    versions_per_slide: int = 50  # versions kept; older ones are dropped
    table_cells: int = 400
    url_chars: int = 2_048
    json_body_bytes: int = 2 * 1024 * 1024  # a JSON request body
    multipart_parts: int = 8  # parts of an upload form (the file and a few fields)
    form_field_bytes: int = 200  # a plain form field (an id)
    ws_message_bytes: int = 64 * 1024  # a message a client sends over /ws
    ws_subscriptions: int = 50  # jobs one /ws connection follows at once
    jobs_per_organization: int = 4  # jobs of one organization queued or running at once

    def text(self, problems: MutableMapping[str, str], name: str, value: str | None, limit: int) -> None:
        """Note in ``problems`` if ``value`` is longer than ``limit`` characters."""
        if value is not None and len(value) > limit:
            problems[name] = f"at most {limit} characters, got {len(value)}"


DEFAULT_LIMITS = Limits()


@frozen
class LockoutPolicy:
    """How many failed sign-ins within ``window_s`` lock an account (or an address) for ``lockout_s``.

    An address gets more tries than an account: many people may sign in from behind one NAT.
    """

    failures_per_account: int = 10
    failures_per_address: int = 50
    window_s: int = 15 * 60
    lockout_s: int = 5 * 60


DEFAULT_LOCKOUT = LockoutPolicy()
