"""LlmWriter: outlines and slides written by a language model, every bullet citing the passages it rests on.

One call plans the outline and one call writes each slide (N + 1 calls for N slides). The model
answers JSON; an answer that does not parse or does not fit the domain's rules is sent back once
with what is wrong, and a second bad answer is an ``LLMUnavailable`` (the job is retried) — nothing
half-valid is ever applied. Each bullet names its passages and copies a supporting sentence; the
quote is located in the passage (or the passage's closest sentence is used), and the foundation's
attribution check then scores whether it supports the bullet.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from presentai.domain.attribution import assess_bullet, support_score
from presentai.domain.errors import LLMUnavailable, ValidationFailed
from presentai.domain.presentation import GenerationParameters, Outline, OutlineItem
from presentai.domain.prompts import PromptTemplate, choose
from presentai.domain.slides import Attribution, Bullet, SlideContent
from presentai.domain.sources import Chunk
from presentai.domain.text import sentence_spans
from presentai.domain.tracing import GenerationTrace, generation_context
from presentai.ports.llm import ChatCompletion, ChatMessage, ChatModel
from presentai.ports.repositories import PromptTemplateRepository
from presentai.ports.tokens import Tokenizer
from presentai.ports.tracing import TraceSink
from presentai.ports.writing import PlanningInput

T = TypeVar("T")
TEMPLATE_VERSION = "builtin-2026-11"  # the prompts below; recorded with every trace
PLAN_BUDGET_TOKENS = 6000  # passages shown to the planner
PASSAGE_PREVIEW_TOKENS = 60
MAX_BULLETS = 6
LANGUAGES = {"en": "English", "ru": "Russian"}

PLAN_SYSTEM = (
    "You plan presentations from the user's own documents. Use only what the passages say. "
    'Answer with one JSON object: {"title": str, "subtitle": str, "items": [{"title": str, '
    '"key_points": [str], "chunk_ids": [str]}]} — one item per content slide, each citing the ids of the '
    "passages it draws on."
)
SLIDE_SYSTEM = (
    "You write one presentation slide from the passages given, and nothing the passages do not support. "
    'Answer with one JSON object: {"title": str, "bullets": [{"text": str, "chunk_ids": [str], '
    '"quote": str}], "notes": str}. Each bullet is at most 20 words, cites the passage ids it rests on, '
    'and copies in "quote" one sentence of a cited passage, word for word, that supports it.'
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
        """An outline of at most ``slide_count`` items, citing passages by id."""
        parameters = request.parameters
        known = {c.id for c in request.chunks}
        prompt = (
            f"Plan {parameters.slide_count} content slides in {LANGUAGES.get(request.language, request.language)}."
            f"\nTopic: {parameters.topic or '(the documents as a whole)'}\nAudience: {parameters.audience}"
            f"\nTone: {parameters.tone}\n\nPassages:\n{self._previews(request)}"
        )

        def parse(data: dict[str, Any]) -> Outline:
            items = tuple(
                OutlineItem(
                    _text(item, "title"),
                    tuple(str(p) for p in item.get("key_points") or [] if str(p).strip())[:5],
                    tuple(i for i in (str(x) for x in item.get("chunk_ids") or []) if i in known),
                )
                for item in _list(data, "items")
            )
            outline = Outline(_text(data, "title"), items, str(data.get("subtitle") or ""))
            outline.validate(parameters.slide_count)
            return outline

        return await self._ask("outline", PLAN_SYSTEM, prompt, parse)

    async def write(
        self,
        item: OutlineItem,
        chunks: Sequence[Chunk],
        parameters: GenerationParameters,
        language: str,
        previous: SlideContent | None = None,
        said: Sequence[str] = (),
    ) -> SlideContent:
        """The slide for ``item`` from ``chunks``."""
        by_id = {c.id: c for c in chunks}
        passages = "\n\n".join(f"[{c.id}] ({c.section or 'no section'})\n{c.text}" for c in chunks)
        prompt = (
            f"Slide title (improve it if you can): {item.title}\nKey points: {'; '.join(item.key_points) or '-'}"
            f"\nLanguage: {LANGUAGES.get(language, language)}. Audience: {parameters.audience}. "
            f"Tone: {parameters.tone}. 3 to {MAX_BULLETS - 1} bullets.\n\nPassages:\n{passages}"
        )
        if previous is not None:
            prompt += "\n\nThe current version, to be written differently:\n" + "\n".join(
                b.text for b in previous.bullets
            )

        def parse(data: dict[str, Any]) -> SlideContent:
            bullets = tuple(_bullet(b, by_id) for b in _list(data, "bullets")[:MAX_BULLETS])
            content = SlideContent(item.layout, _text(data, "title"), bullets, str(data.get("notes") or ""))
            content.validate()
            return content

        return await self._ask("slide" if previous is None else "regenerate", SLIDE_SYSTEM, prompt, parse, by_id)

    async def _ask(
        self,
        kind: str,
        system: str,
        prompt: str,
        parse: Callable[[dict[str, Any]], T],
        chunks: dict[str, Chunk] | None = None,
    ) -> T:
        system, version = await self._system("outline" if kind == "outline" else "slide", system)
        messages = [ChatMessage("user", prompt)]
        problem = ""
        for _ in range(2):
            answer = await self._model.complete(
                messages, system=system, max_tokens=self._max_tokens, temperature=0.2, json_output=True
            )
            try:
                result = parse(_json(answer.text))
            except (ValidationFailed, ValueError, TypeError, KeyError) as error:
                await self._trace(kind, system, messages, answer, version=version)
                problem = str(error) or type(error).__name__
            else:
                await self._trace(kind, system, messages, answer, version=version, result=result, chunks=chunks or {})
                return result
            messages = [
                *messages,
                ChatMessage("assistant", answer.text),
                ChatMessage("user", f"That answer is not valid ({problem}). Answer again with the JSON object only."),
            ]
        raise LLMUnavailable(f"the model's answer was malformed twice: {problem}", self._model.provider)

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
