"""Share links and view analytics in the domain and the use case, against in-process stores."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from presentai.adapters.memory.repositories import InProcessPresentationRepository, InProcessSourceRepository
from presentai.adapters.memory.shares import InProcessShareRepository, InProcessViewAnalytics
from presentai.domain.analytics import ViewerKeys, ViewEvent, clean_referrer, looks_automated, summarize
from presentai.domain.errors import Gone, NotFound, ValidationFailed
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.domain.shares import DeckView, ShareLink, ShareStatus, token_digest
from presentai.domain.slides import Attribution, Bullet, Layout, SlideContent
from presentai.domain.sources import SourceDocument
from presentai.services.shares import Shares, Visitor

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def a_deck(slides: int = 3, organization_id: str = "org") -> Presentation:
    deck = Presentation.create(organization_id, "Wind 2025", GenerationParameters(slide_count=max(slides, 1)))
    for n in range(1, slides + 1):
        quote = Attribution("src-1", "chunk-1", f"quoted {n}", 0, 8, page=n, section="Results")
        bullet = Bullet(f"Point {n}", attributions=(quote,), supported=True)
        deck.add_slide(SlideContent(Layout.BULLETS, f"Slide {n}", (bullet,), notes="speaker only"))
    return deck


def test_a_link_token_has_256_random_bits_and_only_its_digest_is_kept() -> None:
    link, token = ShareLink.create(a_deck(), by="anna", now=NOW)
    assert len(base64.urlsafe_b64decode(token + "=")) == 32
    assert link.token_hash == token_digest(token) != token
    assert token not in repr(link)
    assert link.token_prefix == token[:6]
    other, other_token = ShareLink.create(a_deck(), by="anna", now=NOW)
    assert other_token != token
    assert other.id > link.id


def test_a_link_works_until_it_expires_or_is_revoked() -> None:
    link, _ = ShareLink.create(a_deck(), by="anna", expires_at=NOW + timedelta(hours=1), now=NOW)
    assert link.is_open(NOW)
    assert link.status(NOW) is ShareStatus.ACTIVE
    assert link.status(NOW + timedelta(hours=1)) is ShareStatus.EXPIRED
    with pytest.raises(Gone, match="expired"):
        link.check_open(NOW + timedelta(hours=2))
    link.revoke(NOW)
    first = link.revoked_at
    link.revoke(NOW + timedelta(minutes=5))
    assert link.revoked_at == first
    with pytest.raises(Gone, match="revoked"):
        link.check_open(NOW)


def test_an_expiry_in_the_past_is_refused_and_one_without_a_zone_is_utc() -> None:
    with pytest.raises(ValidationFailed) as refused:
        ShareLink.create(a_deck(), by="anna", expires_at=NOW - timedelta(seconds=1), now=NOW)
    assert refused.value.fields == {"expires_at": "in the past"}
    link, _ = ShareLink.create(a_deck(), by="anna", expires_at=datetime(2027, 1, 1), now=NOW)
    assert link.expires_at == datetime(2027, 1, 1, tzinfo=UTC)


def test_the_public_view_never_shows_notes_and_shows_attributions_only_when_allowed() -> None:
    deck = a_deck(2)
    hidden, _ = ShareLink.create(deck, by="anna")
    view = DeckView.of(hidden, deck, {})
    assert [s.title for s in view.slides] == ["Slide 1", "Slide 2"]
    assert all(s.notes == "" and not s.attributions for s in view.slides)
    assert view.sources == ()
    shown, _ = ShareLink.create(deck, by="anna", show_attributions=True)
    view = DeckView.of(shown, deck, {})
    assert [a.quote for s in view.slides for a in s.attributions] == ["quoted 1", "quoted 2"]
    assert all(s.notes == "" for s in view.slides)


def test_viewer_ids_match_within_a_day_and_not_across_days_or_secrets() -> None:
    keys = ViewerKeys("secret")
    morning = keys.viewer_id("203.0.113.9", "Firefox", NOW.replace(hour=1))
    assert morning == keys.viewer_id("203.0.113.9", "Firefox", NOW.replace(hour=23))
    assert morning != keys.viewer_id("203.0.113.9", "Firefox", NOW + timedelta(days=1))
    assert morning != keys.viewer_id("203.0.113.10", "Firefox", NOW)
    assert morning != keys.viewer_id("203.0.113.9", "Chrome", NOW)
    assert morning != ViewerKeys("another").viewer_id("203.0.113.9", "Firefox", NOW)
    assert "203.0.113.9" not in morning
    assert len(morning) == 32


def test_a_view_token_is_bound_to_its_link() -> None:
    keys = ViewerKeys("secret")
    token = keys.view_token("share-1", "view-1")
    assert keys.view_id("share-1", token) == "view-1"
    for forged in (keys.view_token("share-2", "view-1"), "view-1.", "view-2" + token[6:], ""):
        with pytest.raises(NotFound):
            keys.view_id("share-1", forged)


def test_referrers_keep_the_page_but_never_its_query_or_credentials() -> None:
    assert clean_referrer("https://mail.example.com/inbox/42?token=abc#frag") == "https://mail.example.com/inbox/42"
    assert clean_referrer("https://user:pw@example.com/x") == "https://example.com/x"
    assert clean_referrer("javascript:alert(1)") == ""
    assert clean_referrer("not a url") == ""
    assert len(clean_referrer("https://example.com/" + "a" * 1000)) == 300


def events_of(
    link: ShareLink, viewer: str, slide_count: int, *reports: tuple[list[int], list[float]]
) -> list[ViewEvent]:
    opened = ViewEvent.opened(link, viewer_id=viewer, slide_count=slide_count)
    return [opened] + [
        ViewEvent.reported(
            link, opened.view_id, slides_seen=seen, seconds_per_slide=secs, viewer_id=viewer, slide_count=slide_count
        )
        for seen, secs in reports
    ]


def test_the_summary_counts_views_viewers_seconds_and_completion() -> None:
    link, _ = ShareLink.create(a_deck(), by="anna")
    events = (
        events_of(link, "v1", 3, ([1], [4.0]), ([1, 2, 3], [10.0, 6.0, 2.0]))  # totals so far: the last wins
        + events_of(link, "v1", 3, ([1], [8.0]))  # the same viewer again: a second view
        + events_of(link, "v2", 3)  # opened, never reported
    )
    summary = summarize(events)
    assert (summary.views, summary.unique_viewers) == (3, 2)
    assert summary.completion_rate == round(1 / 3, 4)
    assert summary.average_seconds_per_slide == round((10 + 6 + 2 + 8) / 4, 4)
    assert [(s.number, s.views, s.average_seconds) for s in summary.slides] == [(1, 2, 9.0), (2, 1, 6.0), (3, 1, 2.0)]
    assert summarize(events + events[:2]) == summary  # an event kept twice counts once per view
    empty = summarize([])
    assert (empty.views, empty.unique_viewers, empty.completion_rate, empty.first_view_at) == (0, 0, 0.0, None)


def test_a_report_outside_the_deck_is_refused_and_a_day_long_tab_counts_a_day() -> None:
    link, _ = ShareLink.create(a_deck(), by="anna")
    wrong: list[tuple[list[int], list[float], str]] = [
        ([4], [], "slides_seen"),
        ([0], [], "slides_seen"),
        ([], [1.0] * 4, "seconds_per_slide"),
        ([], [float("nan")], "seconds_per_slide"),
        ([], [-1.0], "seconds_per_slide"),
    ]
    for seen, secs, field in wrong:
        with pytest.raises(ValidationFailed) as refused:
            ViewEvent.reported(link, "v", slides_seen=seen, seconds_per_slide=secs, viewer_id="x", slide_count=3)
        assert field in refused.value.fields
    event = ViewEvent.reported(link, "v", slides_seen=[2, 1, 2], seconds_per_slide=[1e9], viewer_id="x", slide_count=3)
    assert (event.slides_seen, event.seconds_per_slide) == ((1, 2), (86400.0,))


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


async def a_service() -> tuple[Shares, InProcessPresentationRepository, Clock]:
    presentations = InProcessPresentationRepository()
    sources = InProcessSourceRepository()
    await sources.add(SourceDocument("src-1", "org", "wind.pdf", 10, "h", title="Wind report", page_count=12))
    clock = Clock()
    shares = Shares(
        shares=InProcessShareRepository(),
        presentations=presentations,
        sources=sources,
        analytics=InProcessViewAnalytics(),
        keys=ViewerKeys("secret"),
        clock=clock,
    )
    return shares, presentations, clock


async def test_opening_a_link_shows_the_deck_and_records_a_view_that_reports_add_to() -> None:
    shares, presentations, _ = await a_service()
    deck = a_deck(2)
    await presentations.add(deck)
    link, token = await shares.create(deck, by="anna", show_attributions=True)
    visitor = Visitor("203.0.113.9", "Firefox", "https://mail.example.com/inbox?x=1")
    opened = await shares.open(token, visitor)
    assert [s.title for s in opened.deck.slides] == ["Slide 1", "Slide 2"]
    assert [(s.name, s.page_count) for s in opened.deck.sources] == [("Wind report", 12)]
    await shares.report_view(token, opened.view_token, visitor, slides_seen=[1, 2], seconds_per_slide=[3, 5])
    summary = await shares.summary(deck)
    assert (summary.views, summary.unique_viewers, summary.completion_rate) == (1, 1, 1.0)
    assert (await shares.summary(deck, link.id)).views == 1
    _, other_token = await shares.create(deck, by="anna")
    with pytest.raises(NotFound):  # another link's view token
        await shares.report_view(other_token, opened.view_token, visitor, slides_seen=[1], seconds_per_slide=[])


async def test_a_revoked_expired_or_deleted_deck_is_gone_and_an_unknown_token_not_found() -> None:
    shares, presentations, clock = await a_service()
    deck = a_deck(1)
    await presentations.add(deck)
    visitor = Visitor("203.0.113.9")
    revoked, revoked_token = await shares.create(deck, by="anna")
    await shares.revoke(deck, revoked.id)
    with pytest.raises(Gone):
        await shares.open(revoked_token, visitor)
    _, expiring = await shares.create(deck, by="anna", expires_at=NOW + timedelta(minutes=1))
    await shares.open(expiring, visitor)
    clock.now = NOW + timedelta(minutes=1)
    with pytest.raises(Gone):
        await shares.open(expiring, visitor)
    with pytest.raises(NotFound):
        await shares.open("no-such-token", visitor)
    _, live = await shares.create(deck, by="anna")
    stored = await presentations.get("org", deck.id)
    stored.deleted_at = clock.now
    await presentations.save(stored)
    with pytest.raises(Gone):
        await shares.open(live, visitor)
    assert (await shares.summary(deck)).views == 1  # only the opening that worked


async def test_links_list_newest_first_by_page_and_another_decks_link_is_not_found() -> None:
    shares, _, _ = await a_service()
    deck, other = a_deck(1), a_deck(1)
    made = [(await shares.create(deck, by="anna"))[0] for _ in range(3)]
    first_page = await shares.list(deck, 2)
    assert [s.id for s in first_page] == [made[2].id, made[1].id]
    assert [s.id for s in await shares.list(deck, 2, first_page[-1].id)] == [made[0].id]
    with pytest.raises(NotFound):
        await shares.revoke(other, made[0].id)
    with pytest.raises(NotFound):
        await shares.summary(other, made[0].id)
    assert (await shares.revoke(deck, made[0].id)).revoked_at == NOW


def test_crawlers_and_link_previews_look_automated_and_browsers_do_not() -> None:
    robots = [
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1)",
        "TelegramBot (like TwitterBot)",
        "WhatsApp/2.23",
    ]
    people = [
        "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
        "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/18.0 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36",  # browser tests
        "",
    ]
    assert [r for r in robots if not looks_automated(r)] == []
    assert [p for p in people if looks_automated(p)] == []


async def test_a_link_preview_robot_sees_the_deck_but_makes_no_view() -> None:
    shares, presentations, _ = await a_service()
    deck = a_deck(1)
    await presentations.add(deck)
    _, token = await shares.create(deck, by="anna")
    opened = await shares.open(token, Visitor("203.0.113.9", "Slackbot-LinkExpanding 1.0"))
    assert [s.title for s in opened.deck.slides] == ["Slide 1"]
    assert opened.view_token is None
    assert (await shares.summary(deck)).views == 0
