"""A deck's layouts vary with what its slides say: key figures, one key sentence as a quote, facing columns."""

from __future__ import annotations

from presentai.domain.layouts import facing, planned_layouts, reads_as_quote
from presentai.domain.slides import Layout
from tests.unit.test_extractive_planning import _slides

PLAIN = [
    "The team reviews every incident report within one working week of its filing.",
    "Handlers keep the contact list of each system owner up to date.",
    "A knowledge base helps handlers act quickly during an incident.",
]


def test_slides_with_measured_figures_ask_for_key_figures_and_one_slide_for_a_quote() -> None:
    figures = ["Revenue rose to 4.1 billion euros in 2025.", "Renewables reached 42 % of the power supplied."]
    rule = ["Every handler must report a breach to the security office without delay.", *PLAIN[:2]]
    wanted = planned_layouts([PLAIN, figures + PLAIN[:1], PLAIN, rule, PLAIN, PLAIN], [True, *[False] * 5])
    assert wanted == [None, Layout.KEY_FIGURES, None, Layout.QUOTE, None, None]


def test_a_short_deck_and_the_opening_and_closing_ask_for_no_quote() -> None:
    assert planned_layouts([PLAIN] * 4, [False] * 4) == [None] * 4
    assert planned_layouts([PLAIN] * 5, [True] * 5) == [None] * 5


def test_a_key_sentence_is_a_plain_claim_not_an_example_or_code() -> None:
    assert reads_as_quote("Every handler must report a breach to the security office without delay")
    assert not reads_as_quote("For example, the symbols sum and Sigma both render to the same glyph on screen")
    assert not reads_as_quote("Run dh_make (see the manual) before you build the package for the first time")
    assert not reads_as_quote("Report it")


def test_a_title_that_compares_two_things_sorts_the_statements_by_side() -> None:
    texts = [
        "Static analysis reads the code without running it.",
        "Dynamic analysis runs the code and watches what it does.",
        "Static checks are cheap to run on every commit.",
        "Both kinds find different faults.",
    ]
    assert facing("Static and dynamic analysis", texts) == ([0, 2], [1])
    advantages = ["The main advantage is speed.", "A drawback is the cost.", "Its disadvantage is the noise."]
    assert facing("Advantages and drawbacks", advantages) == ([0], [1, 2])
    assert facing("Incident handling", texts) is None


async def test_a_section_comparing_two_things_is_shown_in_two_facing_columns() -> None:
    slides = await _slides(
        "# Guide\n\n## Native and non-native packages\n\n"
        "A native package keeps its Debian files in the upstream source itself. "
        "The native package has no separate upstream tarball to track. "
        "A non-native package ships its Debian changes apart from the upstream tarball. "
        "Most non-native packages follow a new upstream release with a new revision.\n",
        slides=1,
    )
    (slide,) = slides
    assert slide.layout is Layout.TWO_COLUMN
    left, right = slide.columns
    assert all("non-native" not in b.text for b in left)
    assert all("non-native" in b.text for b in right)
    slide.validate()
