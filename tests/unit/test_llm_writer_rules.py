"""The LLM writer holds the model's answers to the deck's rules: it asks for them, sends a breach back once
with the problems listed, repairs what is safe, and never lets a repeat through."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from presentai.adapters.writers.llm import TEMPLATE_VERSION, LlmWriter
from presentai.domain.errors import LLMUnavailable
from presentai.domain.presentation import GenerationParameters, OutlineItem
from presentai.domain.sources import Chunk
from presentai.domain.tracing import GenerationTrace
from presentai.domain.wording import normalized
from presentai.ports.llm import ChatCompletion, ChatMessage
from presentai.ports.writing import PlanningInput
from tests.fakes import WordTokenizer

TEXT = (
    "Revenue rose 12% to 4.2 million euros in 2025. "
    "The Ashby Moor battery was commissioned in April. "
    "Wind output grew in every region except the north. "
    "Maintenance costs fell by a fifth after the new contract."
)
CHUNK = Chunk("c1", "doc", "org", 0, TEXT, 0, len(TEXT), 40, page=1, section="Results")
SENTENCES = [s.strip() for s in TEXT.split(". ")]
PARAMS = GenerationParameters(slide_count=3)


class ScriptedChatModel:
    """Answers with its script, one reply per call, and records what it was sent."""

    provider = "scripted"

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.calls: list[tuple[str, list[ChatMessage]]] = []

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        system: str = "",
        max_tokens: int = 1024,
        temperature: float = 0.2,
        json_output: bool = False,
    ) -> ChatCompletion:
        self.calls.append((system, list(messages)))
        if not self.replies:
            raise LLMUnavailable("the script ran out", self.provider)
        return ChatCompletion(self.replies.pop(0), "scripted-1", self.provider, 10, 10)


class RecordingTraceSink:
    """Keeps every trace it is given."""

    def __init__(self) -> None:
        self.traces: list[GenerationTrace] = []

    async def record(self, trace: GenerationTrace) -> None:
        self.traces.append(trace)


def slide_answer(title: str, *texts: str, notes: str = "") -> str:
    bullets = [{"text": t, "chunk_ids": ["c1"], "quote": _quote(t)} for t in texts]
    return json.dumps({"title": title, "bullets": bullets, "notes": notes})


def _quote(text: str) -> str:
    """The sentence of the passage sharing most words with the bullet."""
    return max(SENTENCES, key=lambda s: len(set(normalized(s).split()) & set(normalized(text).split())))


def outline_answer(*titles: str, title: str = "Northwind in 2025") -> str:
    items = [{"title": t, "key_points": ["growth"], "chunk_ids": ["c1"]} for t in titles]
    return json.dumps({"title": title, "subtitle": "", "items": items})


GOOD = slide_answer("Results of 2025", *(f"{s}." for s in SENTENCES[:3]))


async def write(model: ScriptedChatModel, said: Sequence[str] = (), title: str = "Results of 2025") -> Any:
    writer = LlmWriter(model, WordTokenizer())
    return await writer.write(OutlineItem(title, ("growth",), ("c1",)), [CHUNK], PARAMS, "en", said=said)


async def test_an_answer_keeping_the_rules_takes_one_call_and_the_prompts_ask_for_the_rules() -> None:
    model = ScriptedChatModel(GOOD)
    content = await write(model)
    assert [b.text for b in content.bullets] == [f"{s}." for s in SENTENCES[:3]]
    (system, _), *more = model.calls
    assert not more
    for rule in ("3 to 5 bullets", "at most 60 words", '"But"', "Markdown", "notes", "at most 8 words"):
        assert rule in system


async def test_a_rule_breaking_answer_is_sent_back_once_with_its_problems_listed() -> None:
    broken = slide_answer(
        "Results of 2025…", "But revenue rose.", "Which is new to both the AFM and the QRH) in the north", SENTENCES[1]
    )
    model = ScriptedChatModel(broken, GOOD)
    content = await write(model)
    assert len(model.calls) == 2
    retry = model.calls[1][1]
    assert [m.role for m in retry] == ["user", "assistant", "user"]
    assert retry[1].content == broken
    told = retry[2].content
    assert "breaks these rules" in told
    assert "“But revenue rose.” has 3 words" in told
    assert "leans on what came before" in told
    assert "ellipsis" in told
    assert [b.text for b in content.bullets] == [f"{s}." for s in SENTENCES[:3]]


async def test_the_prompt_lists_what_the_deck_already_says_and_a_repeat_never_reaches_the_slide() -> None:
    said = [normalized(SENTENCES[0]), normalized("Solar output doubled in the south last summer.")]
    repeating = slide_answer("Results of 2025", *(f"{s}." for s in SENTENCES[:3]))
    model = ScriptedChatModel(repeating, repeating)
    content = await write(model, said=said)
    prompt = model.calls[0][1][0].content
    assert "Already on other slides of the deck (do not repeat these):" in prompt
    assert all(f"- {s}" in prompt for s in said)
    assert len(model.calls) == 2  # the repeat was reported …
    assert "“Revenue rose 12% to 4.2 million euros in 2025.” repeats what the deck" in model.calls[1][1][2].content
    texts = [b.text for b in content.bullets]  # … and dropped from the answer that was kept
    assert texts == [f"{s}." for s in SENTENCES[1:3]]


async def test_a_second_answer_breaking_only_style_rules_is_accepted_repaired_not_failed() -> None:
    markup = slide_answer(
        "**Results of 2025**",
        "- **Revenue** rose 12% to 4.2 million euros in 2025.",
        "And the [Ashby Moor battery](https://example.com) was commissioned in April.",
    )
    model = ScriptedChatModel(markup, markup)
    content = await write(model)
    assert len(model.calls) == 2
    assert content.title == "Results of 2025"
    assert [b.text for b in content.bullets] == [
        "Revenue rose 12% to 4.2 million euros in 2025.",
        "The Ashby Moor battery was commissioned in April.",
    ]


async def test_of_two_parsing_answers_the_one_with_fewer_problems_is_kept() -> None:
    model = ScriptedChatModel(slide_answer("Results of 2025", f"{SENTENCES[0]}.", f"{SENTENCES[1]}."), "not json")
    content = await write(model)
    assert len(content.bullets) == 2


async def test_a_bad_title_from_the_model_gives_way_to_the_planned_one() -> None:
    model = ScriptedChatModel(slide_answer("Slide 3", *(f"{s}." for s in SENTENCES[:3])))
    model.replies.append(model.replies[0])
    content = await write(model, title="Northwind's results in 2025")
    assert content.title == "Northwind's results in 2025"
    assert len(model.calls) == 1  # the repair left nothing to send back


async def test_a_malformed_answer_twice_is_llm_unavailable_and_once_is_retried() -> None:
    with pytest.raises(LLMUnavailable, match="malformed twice"):
        await write(ScriptedChatModel("no json here", '{"title": ""}'))
    model = ScriptedChatModel('{"title": "x"}', GOOD)
    assert len((await write(model)).bullets) == 3
    assert "not valid" in model.calls[1][1][2].content


async def test_every_call_is_traced_and_only_the_kept_answer_counts_its_bullets() -> None:
    traces = RecordingTraceSink()
    broken = slide_answer("Results of 2025", "But revenue rose.")
    writer = LlmWriter(ScriptedChatModel(broken, GOOD), WordTokenizer(), traces=traces)
    await writer.write(OutlineItem("Results of 2025", (), ("c1",)), [CHUNK], PARAMS, "en")
    assert [(t.kind, t.bullets, t.template_version) for t in traces.traces] == [
        ("slide", 0, TEMPLATE_VERSION),
        ("slide", 3, TEMPLATE_VERSION),
    ]


def planning(slides: int = 3) -> PlanningInput:
    return PlanningInput(GenerationParameters(slide_count=slides), "en", [], [CHUNK], {})


async def test_an_outline_repeating_a_title_is_sent_back_and_merged_if_it_still_does() -> None:
    repeating = outline_answer("Operating expenses", "Revenue", "Operating expenses")
    model = ScriptedChatModel(repeating, repeating)
    outline = await LlmWriter(model, WordTokenizer()).plan(planning())
    assert "both titled “Operating expenses”" in model.calls[1][1][2].content
    assert [i.title for i in outline.items] == ["Operating expenses", "Revenue"]


async def test_an_outline_is_put_in_story_order_and_its_prompt_asks_for_a_story() -> None:
    model = ScriptedChatModel(outline_answer("Next steps", "Battery storage", "Purpose of the review"))
    outline = await LlmWriter(model, WordTokenizer()).plan(planning())
    assert [i.title for i in outline.items] == ["Purpose of the review", "Battery storage", "Next steps"]
    assert len(model.calls) == 1
    system, messages = model.calls[0]
    assert system.startswith("You plan")
    assert "open with the purpose or a summary" in system
    assert "close with the conclusions" in system
    assert "No two items share a title" in system
    assert "Plan 3 content slides in English, or fewer" in messages[0].content


async def test_an_outline_with_fewer_items_than_asked_is_accepted_as_it_is() -> None:
    model = ScriptedChatModel(outline_answer("Battery storage"))
    outline = await LlmWriter(model, WordTokenizer()).plan(planning(slides=5))
    assert [i.title for i in outline.items] == ["Battery storage"]
    assert len(model.calls) == 1


async def test_when_the_model_fails_on_the_retry_the_first_answer_is_kept_repaired() -> None:
    model = ScriptedChatModel(slide_answer("Results of 2025", f"**{SENTENCES[0]}.**", f"{SENTENCES[1]}."))
    content = await write(model)
    assert len(model.calls) == 2
    assert [b.text for b in content.bullets] == [f"{SENTENCES[0]}.", f"{SENTENCES[1]}."]


TABLE_TEXT = "Region | 2024 | 2025\nNorth | 12 | 14\nSouth | 9 | 11\nEast | 7 | 10"
TABLE_CHUNK = Chunk("t1", "doc", "org", 1, TABLE_TEXT, 0, len(TABLE_TEXT), 12, page=4, section="Sales")


async def test_a_model_asking_for_a_chart_gets_the_passage_s_own_numbers_attributed_to_it() -> None:
    answer = json.dumps({"title": "Sales by region", "layout": "chart", "table_from": "t1", "bullets": []})
    model = ScriptedChatModel(answer)
    writer = LlmWriter(model, WordTokenizer())
    item = OutlineItem("Sales by region", ("sales",), ("t1",))
    content = await writer.write(item, [TABLE_CHUNK, CHUNK], PARAMS, "en")
    assert len(model.calls) == 1
    assert content.layout.value == "chart"
    assert content.chart is not None
    assert content.chart.categories == ("North", "South", "East")
    assert [s.values for s in content.chart.series] == [(12, 9, 7), (14, 11, 10)]
    assert content.chart.attribution is not None
    assert content.chart.attribution.quote == TABLE_TEXT
    assert content.chart.attribution.page == 4


async def test_a_layout_the_content_does_not_bear_out_is_not_granted() -> None:
    answer = json.loads(GOOD)
    answer["layout"] = "key_figures"  # only one of the three bullets turns on a measured figure
    model = ScriptedChatModel(json.dumps(answer))
    content = await write(model)
    assert content.layout.value == "bullets"
    assert len(content.bullets) == 3
    table = json.loads(GOOD)
    table["layout"], table["table_from"] = "table", "c1"  # the passage holds no table
    content = await write(ScriptedChatModel(json.dumps(table)))
    assert (content.layout.value, content.table) == ("bullets", None)
