"""LlmWriter: outlines and slides written by a language model, every bullet citing the passages it rests on.

One call plans the outline and one call writes each slide (N + 1 calls for N slides, one more for each answer
sent back). The model answers JSON, and its answer is held to the deck's rules (``domain.slide_rules``) as the
extractive writer's output is. Three kinds of rule:

- Hard: the JSON object asked for, non-empty titles, no more outline items than slides asked. A malformed
  answer is sent back once with what is wrong; a second is an ``LLMUnavailable`` (the job is retried).
- Invariants, repaired in whatever is accepted: no markup or links, no bullet repeating another or what the
  deck already says, at most five bullets, the opening first and the closing last; and, on the answer that
  is kept, no two outline items with one title and no section in more than two parts (they are merged).
- Style: 3–5 bullets, each a whole statement of about 6–25 words, at most 60 words a slide, informative
  titles of at most 8 words. Asked for in the prompts; an answer breaking them (or an invariant, before
  repair) is sent back once with the problems listed, and the better of the two answers is kept, repaired.

Each bullet names its passages and copies a supporting sentence; the quote is located in the passage (or the
passage's closest sentence is used), and the foundation's attribution check then scores whether it supports
the bullet.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import attrs
from attrs import frozen

from presentai.domain.attribution import assess_bullet, support_score
from presentai.domain.errors import LLMUnavailable, ValidationFailed
from presentai.domain.layouts import shown_as
from presentai.domain.presentation import GenerationParameters, Outline, OutlineItem
from presentai.domain.prompts import PromptTemplate, choose
from presentai.domain.slide_rules import (
    MAX_BULLET_WORDS,
    MAX_BULLETS,
    MIN_BULLET_WORDS,
    MIN_BULLETS,
    SLIDE_WORDS,
    TITLE_WORDS,
    merge_repeated_sections,
    outline_problems,
    repair_outline,
    repair_slide,
    repair_title,
    slide_problems,
    title_problems,
)
from presentai.domain.slides import Attribution, Bullet, Layout, SlideContent
from presentai.domain.sources import Chunk
from presentai.domain.text import sentence_spans
from presentai.domain.tracing import GenerationTrace, generation_context
from presentai.ports.llm import ChatCompletion, ChatMessage, ChatModel
from presentai.ports.repositories import PromptTemplateRepository
from presentai.ports.tokens import Tokenizer
from presentai.ports.tracing import TraceSink
from presentai.ports.writing import PlanningInput

T = TypeVar("T")
TEMPLATE_VERSION = "builtin-2026-12b"  # the prompts below; recorded with every trace
PLAN_BUDGET_TOKENS = 6000  # passages shown to the planner
PASSAGE_PREVIEW_TOKENS = 60
SAID_BUDGET_TOKENS = 1500  # what the deck already says, shown to the slide writer
MAX_PARSED_BULLETS = 12  # read this many, so that five remain once repeats are dropped
LANGUAGES = {"en": "English", "ru": "Russian"}

PLAN_SYSTEM = (
    "You plan presentations from the user's own documents, as their author would. Use only what the passages "
    'say. Answer with one JSON object: {"title": str, "subtitle": str, "items": [{"title": str, '
    '"key_points": [str], "chunk_ids": [str]}]} — one item per content slide, each citing the ids of the '
    "passages it draws on. Tell a story: open with the purpose or a summary, follow the documents' main parts "
    "in their order, giving more slides to what matters more, and close with the conclusions, results or next "
    "steps when the sources have them; several documents make one deck. "
    f"Each title is an informative phrase of at most {TITLE_WORDS} words that says what its slide is about: "
    "plain text, no ellipsis, no part numbers, not a sentence cut short, never a generic label such as "
    '"Slide 3". No two items share a title, and a section fills at most two slides, the second titled '
    '"<title> (2/2)". Plan fewer slides than asked rather than repeat anything. Leave out tables of contents, '
    "reference lists, author biographies, indexes and page furniture."
)
SLIDE_SYSTEM = (
    "You write one presentation slide from the passages given, and nothing the passages do not support. "
    'Answer with one JSON object: {"title": str, "bullets": [{"text": str, "chunk_ids": [str], '
    f'"quote": str}}], "notes": str}}. Write {MIN_BULLETS} to {MAX_BULLETS} bullets, at most {SLIDE_WORDS} words in '
    f"all. Each bullet is a complete statement of {MIN_BULLET_WORDS + 1} to {MAX_BULLET_WORDS} words that stands "
    'on its own — it does not begin with "But", "And", "Which" ("Но", "И") and does not point at "the table '
    'below" or what was said "above" — in plain text, with no Markdown, HTML or links; keep the key facts and '
    'figures. Each bullet cites the passage ids it rests on and copies in "quote" one sentence of a cited '
    "passage, word for word, that supports it. Never repeat what other slides already say. Put the full "
    'sentences, detail and context in "notes", the speaker notes. The title is an informative phrase of at most '
    f"{TITLE_WORDS} words, plain text, no ellipsis. "
    'Optionally choose "layout": "bullets" (the default); "key_figures" (two to four bullets that each turn on a '
    'measured figure such as "42 %" or "€4.1 bn"); "quote" (one key sentence); "two_column" (a comparison: set '
    '"column_break" to the index of the first right-hand bullet); "table" or "chart" (show a table of a passage: '
    'set "table_from" to that passage\'s id; a chart when its values are numbers by named categories; add at '
    "most two bullets). Tables and charts are taken from the passage as it is, never written by you."
)


class LlmWriter:
    """Plans outlines and writes slides with a ChatModel (Claude, GPT-4o, vLLM …)."""

    def __init__(
        self,
        model: ChatModel,
        tokenizer: Tokenizer,
        *,
        traces: TraceSink | None = None,
        templates: PromptTemplateRepository | None = None,
        max_tokens: int = 1500,
    ) -> None:
        self._model = model
        self._tokenizer = tokenizer
        self._traces = traces
        self._templates = templates
        self._max_tokens = max_tokens
        self._reading: asyncio.Future[list[PromptTemplate]] | None = None

    def ensure_available(self) -> None:
        """``LLMUnavailable`` at once when the model chain would not even try a call."""
        check: Callable[[], None] | None = getattr(self._model, "ensure_available", None)
        if check is not None:
            check()

    async def plan(self, request: PlanningInput) -> Outline:
        """An outline of at most ``slide_count`` items, citing passages by id, that keeps the deck's rules."""
        parameters = request.parameters
        count = parameters.slide_count
        known = {c.id for c in request.chunks}
        prompt = (
            f"Plan {count} content slides in {LANGUAGES.get(request.language, request.language)}, or fewer if the "
            f"passages do not hold {count} distinct subjects."
            f"\nTopic: {parameters.topic or '(the documents as a whole)'}\nAudience: {parameters.audience}"
            f"\nTone: {parameters.tone}\n\nPassages:\n{self._previews(request)}"
        )

        def check(data: dict[str, Any]) -> _Checked[Outline]:
            items = tuple(
                OutlineItem(
                    _text(item, "title"),
                    tuple(str(p) for p in item.get("key_points") or [] if str(p).strip()),
                    tuple(i for i in (str(x) for x in item.get("chunk_ids") or []) if i in known),
                )
                for item in _list(data, "items")
            )
            outline = Outline(_text(data, "title"), items, str(data.get("subtitle") or ""))
            outline.validate(count)
            repaired = repair_outline(outline)
            return _Checked(repaired, outline_problems(outline, count), outline_problems(repaired, count))

        return await self._ask("outline", PLAN_SYSTEM, prompt, check, settle=merge_repeated_sections)

    async def write(
        self,
        item: OutlineItem,
        chunks: Sequence[Chunk],
        parameters: GenerationParameters,
        language: str,
        previous: SlideContent | None = None,
        *,
        said: Sequence[str] = (),
    ) -> SlideContent:
        """The slide for ``item`` from ``chunks``, repeating nothing in ``said`` and keeping the deck's rules."""
        by_id = {c.id: c for c in chunks}
        passages = "\n\n".join(f"[{c.id}] ({c.section or 'no section'})\n{c.text}" for c in chunks)
        prompt = (
            f"Slide title (improve it if you can): {item.title}\nKey points: {'; '.join(item.key_points) or '-'}"
            f"\nLanguage: {LANGUAGES.get(language, language)}. Audience: {parameters.audience}. "
            f"Tone: {parameters.tone}. {MIN_BULLETS} to {MAX_BULLETS} bullets.\n\nPassages:\n{passages}"
        )
        if said:
            prompt += "\n\nAlready on other slides of the deck (do not repeat these):\n" + self._said(said)
        if previous is not None:
            prompt += "\n\nThe current version, to be written differently:\n" + "\n".join(
                b.text for b in previous.bullets
            )

        def check(data: dict[str, Any]) -> _Checked[SlideContent]:
            bullets = tuple(_bullet(b, by_id) for b in _list(data, "bullets")[:MAX_PARSED_BULLETS])
            content = SlideContent(Layout.BULLETS, _text(data, "title"), bullets, str(data.get("notes") or ""))
            wanted = _layout(data.get("layout"))  # the model's choice; a planned layout is only ever a wish
            if wanted is not None and wanted is not Layout.BULLETS:
                # The layout is granted only when the content bears it out; a table comes from the passage.
                source = str(data.get("table_from") or "")
                own = [by_id[source]] if source in by_id else [by_id[i] for i in item.chunk_ids if i in by_id]
                shown = shown_as(content.title, bullets, own, wanted)
                content = attrs.evolve(shown, notes=content.notes, column_break=_column_break(data, shown))
            content.validate()
            repaired = repair_slide(content, said)
            if title_problems(repaired.title) and not title_problems(repair_title(item.title)):
                repaired = attrs.evolve(repaired, title=repair_title(item.title))  # the planned title was better
            return _Checked(repaired, slide_problems(content, said), slide_problems(repaired, said))

        return await self._ask("slide" if previous is None else "regenerate", SLIDE_SYSTEM, prompt, check, by_id)

    async def _ask(
        self,
        kind: str,
        system: str,
        prompt: str,
        check: Callable[[dict[str, Any]], _Checked[T]],
        chunks: dict[str, Chunk] | None = None,
        *,
        settle: Callable[[T], T] | None = None,
    ) -> T:
        """The model's answer, checked and repaired; sent back once when it breaks the rules or is malformed.

        Of two answers that parse, the one with fewer problems left after repair is kept (the later on a
        tie): style is asked for twice, never worth failing a job over. Two malformed answers are an
        ``LLMUnavailable``.
        """
        system, version = await self._system("outline" if kind == "outline" else "slide", system)
        messages = [ChatMessage("user", prompt)]
        calls: list[tuple[list[ChatMessage], ChatCompletion]] = []
        best: tuple[int, _Checked[T]] | None = None  # the answer to keep, by its index in calls
        problem = ""
        for _ in range(2):
            try:
                answer = await self._model.complete(
                    messages, system=system, max_tokens=self._max_tokens, temperature=0.2, json_output=True
                )
            except LLMUnavailable:
                if best is None:
                    await self._trace_calls(kind, system, version, calls)
                    raise
                break  # the first answer parsed: it is kept, repaired
            calls.append((messages, answer))
            try:
                checked = check(_json(answer.text))
            except (ValidationFailed, ValueError, TypeError, KeyError) as error:
                problem = str(error) or type(error).__name__
                reply = f"That answer is not valid ({problem}). Answer again with the JSON object only."
            else:
                if best is None or len(checked.remaining) <= len(best[1].remaining):
                    best = (len(calls) - 1, checked)
                if not checked.remaining:
                    break
                reply = (
                    "That answer breaks these rules:\n"
                    + "\n".join(f"- {p}" for p in checked.problems)
                    + "\nWrite it again keeping every rule, and answer with the whole JSON object only."
                )
            messages = [*messages, ChatMessage("assistant", answer.text), ChatMessage("user", reply)]
        if best is None:
            await self._trace_calls(kind, system, version, calls)
            raise LLMUnavailable(f"the model's answer was malformed twice: {problem}", self._model.provider)
        kept, checked = best
        result = checked.result if settle is None else settle(checked.result)
        await self._trace_calls(kind, system, version, calls, kept=(kept, result), chunks=chunks)
        return result

    async def _trace_calls(
        self,
        kind: str,
        system: str,
        version: str,
        calls: list[tuple[list[ChatMessage], ChatCompletion]],
        *,
        kept: tuple[int, object] | None = None,
        chunks: dict[str, Chunk] | None = None,
    ) -> None:
        """One trace per call; the kept answer's carries the result (its bullets are what is measured)."""
        for index, (sent, answer) in enumerate(calls):
            result = kept[1] if kept is not None and kept[0] == index else None
            await self._trace(kind, system, sent, answer, version=version, result=result, chunks=chunks or {})

    async def _trace(
        self,
        kind: str,
        system: str,
        messages: list[ChatMessage],
        answer: ChatCompletion,
        *,
        version: str,
        result: object = None,
        chunks: dict[str, Chunk] | None = None,
    ) -> None:
        if self._traces is None:
            return
        context = generation_context.get()
        bullets = [assess_bullet(b, chunks or {}) for b in result.bullets] if isinstance(result, SlideContent) else []
        await self._traces.record(
            GenerationTrace(
                organization_id=context.organization_id,
                presentation_id=context.presentation_id,
                job_id=context.job_id,
                kind=kind,
                prompt=system + "\n\n" + "\n\n".join(f"{m.role}: {m.content}" for m in messages),
                response=answer.text,
                provider=answer.provider,
                model=answer.model,
                input_tokens=answer.input_tokens,
                output_tokens=answer.output_tokens,
                latency_ms=answer.latency_ms,
                fallback_triggered=answer.fallback_triggered,
                template_version=version,
                bullets=len(bullets),
                attributed=sum(1 for b in bullets if b.attributions),
                supported=sum(1 for b in bullets if b.supported),
            )
        )

    async def _system(self, name: str, builtin: str) -> tuple[str, str]:
        """The system prompt to use now: an active stored version drawn by weight, or the built-in one."""
        if self._templates is not None:
            chosen = choose(await self._stored_templates(self._templates), name)
            if chosen is not None:
                return chosen.system, chosen.label
        return builtin, TEMPLATE_VERSION

    async def _stored_templates(self, templates: PromptTemplateRepository) -> list[PromptTemplate]:
        """Every stored version; the calls of a burst of slides share the read running when they start."""
        reading = self._reading
        if reading is None or reading.done() or reading.get_loop() is not asyncio.get_running_loop():
            reading = self._reading = asyncio.ensure_future(templates.all())
        return await asyncio.shield(reading)  # one caller cancelled does not cancel the others' read

    def _said(self, said: Sequence[str]) -> str:
        """The deck's statements as a list for the prompt, as many as fit its budget."""
        lines, spent = [], 0
        for statement in said:
            cost = self._tokenizer.count(statement) + 2
            if spent + cost > SAID_BUDGET_TOKENS:
                break
            spent += cost
            lines.append(f"- {statement}")
        return "\n".join(lines)

    def _previews(self, request: PlanningInput) -> str:
        lines, spent = [], 0
        ranked = (
            sorted(request.chunks, key=lambda c: -request.relevance.get(c.id, 0.0))
            if request.relevance
            else request.chunks
        )
        for chunk in ranked:
            preview = " ".join(chunk.text.split()[:PASSAGE_PREVIEW_TOKENS])
            cost = self._tokenizer.count(preview) + 12
            if spent + cost > PLAN_BUDGET_TOKENS:
                break
            spent += cost
            lines.append(f"[{chunk.id}] {chunk.section or ''}: {preview}")
        return "\n".join(lines)


@frozen
class _Checked(Generic[T]):
    """An answer that parsed: repaired, with the rules it broke (told to the model) and those left after repair."""

    result: T
    problems: list[str]
    remaining: list[str]


def _layout(value: object) -> Layout | None:
    """The layout a model asked for, when it names one a content slide may have."""
    try:
        layout = Layout(str(value))
    except ValueError:
        return None
    return layout if layout not in (Layout.TITLE, Layout.AGENDA, Layout.SECTION, Layout.SOURCES) else None


def _column_break(data: dict[str, Any], content: SlideContent) -> int | None:
    value = data.get("column_break")
    if content.layout is not Layout.TWO_COLUMN or not isinstance(value, int) or isinstance(value, bool):
        return None
    return value if 0 < value < len(content.bullets) else None


def _json(text: str) -> dict[str, Any]:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the answer")
    data = json.loads(text[start : end + 1])
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    return data


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(f"{key} must be a list of objects")
    return value


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be a non-empty string")
    return value.strip()


def _bullet(data: dict[str, Any], chunks: dict[str, Chunk]) -> Bullet:
    text = _text(data, "text")
    quote = str(data.get("quote") or "").strip()
    attributions = []
    for chunk_id in dict.fromkeys(str(i) for i in data.get("chunk_ids") or []):
        chunk = chunks.get(chunk_id)
        if chunk is not None:
            attributions.append(_attribution(chunk, quote or text, text))
    return Bullet(text, 0, tuple(attributions))


def _attribution(chunk: Chunk, quote: str, claim: str) -> Attribution:
    """The quote where it stands in the chunk; else the chunk's sentence that best supports the claim."""
    start = chunk.text.find(quote) if quote else -1
    if start < 0:
        spans = sentence_spans(chunk.text) or [(0, len(chunk.text))]
        start, end = max(spans, key=lambda s: support_score(claim, chunk.text[s[0] : s[1]]))
        quote = chunk.text[start:end]
    else:
        end = start + len(quote)
    return Attribution(
        source_document_id=chunk.document_id,
        chunk_id=chunk.id,
        quote=quote,
        start=start,
        end=end,
        page=chunk.page_at(start),
        section=chunk.section,
    )
