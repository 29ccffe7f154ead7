"""SlideContent.edited: the one rule the API's PATCH and the slide page edit a slide by."""

from __future__ import annotations

from presentai.domain.slides import Attribution, Bullet, Layout, SlideContent

CITED = Attribution("doc", "chunk", "842 MW", 0, 6, 7, "Capacity", 0.9)
CONTENT = SlideContent(
    Layout.BULLETS, "Capacity", (Bullet("842 MW installed", 0, (CITED,), True), Bullet("Storage lags")), "Notes."
)


def test_an_unchanged_bullet_keeps_its_sources_at_its_new_level_and_an_edited_one_has_none() -> None:
    edited = CONTENT.edited(bullets=[("Storage lags behind", 0), ("842 MW installed", 1)])
    assert edited.bullets == (Bullet("Storage lags behind"), Bullet("842 MW installed", 1, (CITED,), True))
    assert (edited.title, edited.notes, edited.layout) == ("Capacity", "Notes.", Layout.BULLETS)


def test_fields_not_given_stay_and_given_ones_replace() -> None:
    assert CONTENT.edited() == CONTENT
    renamed = CONTENT.edited(title="Grid", notes="")
    assert (renamed.title, renamed.notes, renamed.bullets) == ("Grid", "", CONTENT.bullets)
    assert CONTENT.edited(bullets=[]).bullets == ()
