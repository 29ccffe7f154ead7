"""Around the chat models: a circuit breaker per provider, the fallback chain (Claude → GPT-4o), and the
metering of every answer's tokens."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from presentai.domain.errors import LLMUnavailable, ProviderError
from presentai.domain.tracing import generation_context
from presentai.domain.usage import month_of
from presentai.ports.llm import ChatCompletion, ChatMessage, ChatModel
from presentai.ports.usage import UsageLedger


@attrs.define
class CircuitBreaker:
    """Stops calling a provider that keeps failing: after ``threshold`` failures in a row it is open for
    ``cooldown_s``; then one trial call is let through (half-open), and a success closes it again."""

    threshold: int = 5
    cooldown_s: float = 30.0
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None

    def allows(self) -> bool:
        """Whether a call may go out now."""
        if self.opened_at is None:
            return True
        return self.clock() - self.opened_at >= self.cooldown_s

    def retry_after(self) -> int:
        """Seconds until a trial call is allowed."""
        if self.opened_at is None:
            return 0
        return max(1, round(self.cooldown_s - (self.clock() - self.opened_at)))

    def record(self, success: bool) -> None:
        """Count a call's outcome."""
        if success:
            self.failures, self.opened_at = 0, None
            return
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = self.clock()


class FallbackChatModel:
    """Tries each model in order (Claude → GPT-4o), skipping one whose breaker is open; when every one
    fails, ``LLMUnavailable`` with ``retry_after`` (60 s by default)."""

    def __init__(
        self, models: Sequence[ChatModel], *, breakers: Sequence[CircuitBreaker] | None = None, retry_after_s: int = 60
    ):
        if not models:
            raise ValueError("at least one model")
        self._models = list(models)
        self._breakers = list(breakers) if breakers is not None else [CircuitBreaker() for _ in models]
        self._retry_after = retry_after_s

    @property
    def provider(self) -> str:
        """The providers of the chain, in order."""
        return ">".join(m.provider for m in self._models)

    def ensure_available(self) -> None:
        """``LLMUnavailable`` at once when every provider's circuit is open (no call would be tried)."""
        if not any(b.allows() for b in self._breakers):
            wait = min(b.retry_after() for b in self._breakers)
            raise LLMUnavailable(
                "every language model is failing; try again later",
                self.provider,
                retry_after=max(wait, self._retry_after),
            )

    async def complete(self, messages: Sequence[ChatMessage], **options: Any) -> ChatCompletion:
        """The first model's answer that comes back."""
        failures = []
        for index, (model, breaker) in enumerate(zip(self._models, self._breakers, strict=True)):
            if not breaker.allows():
                failures.append(f"{model.provider}: circuit open")
                continue
            try:
                answer = await model.complete(messages, **options)
            except ProviderError as error:
                breaker.record(success=False)
                failures.append(f"{model.provider}: {error}")
                continue
            breaker.record(success=True)
            return attrs.evolve(answer, fallback_triggered=index > 0)
        raise LLMUnavailable(
            "every language model failed — " + "; ".join(failures), self.provider, retry_after=self._retry_after
        )

    async def close(self) -> None:
        """Close each model's connections."""
        for model in self._models:
            closer: Callable[[], Awaitable[None]] | None = getattr(model, "close", None)
            if closer is not None:
                await closer()


@attrs.define
class _Tally:
    """Tokens of answers that go into the ledger together, per (organization, month): [input, output]."""

    counts: dict[tuple[str, str], list[int]] = attrs.Factory(dict)
    added: asyncio.Future[None] | None = None


class MeteredChatModel:
    """Records each answer's reported tokens against the organization being charged (see
    ``generation_context``), in the month it was used.

    Answers that come back while an addition is being written are added together by the next one: one
    ledger transaction for a burst of concurrent slides, not one each. A call returns once its tokens
    are in the ledger, or raises the ledger's error.
    """

    def __init__(self, model: ChatModel, ledger: UsageLedger) -> None:
        self._model = model
        self._ledger = ledger
        self._tally = _Tally()
        self._adding = asyncio.Lock()

    @property
    def provider(self) -> str:
        """The wrapped model's provider."""
        return self._model.provider

    def ensure_available(self) -> None:
        """Whether the wrapped chain would try a call now."""
        check: Callable[[], None] | None = getattr(self._model, "ensure_available", None)
        if check is not None:
            check()

    async def complete(self, messages: Sequence[ChatMessage], **options: Any) -> ChatCompletion:
        """The wrapped model's answer, counted."""
        answer = await self._model.complete(messages, **options)
        organization = generation_context.get().organization_id
        if organization:
            tally = self._tally
            counts = tally.counts.setdefault((organization, month_of(datetime.now(UTC))), [0, 0])
            counts[0] += answer.input_tokens
            counts[1] += answer.output_tokens
            async with self._adding:
                if tally.added is None:  # no earlier holder of the lock took this tally along
                    self._tally = _Tally()
                    tally.added = asyncio.ensure_future(self._add(tally.counts))
                await asyncio.shield(tally.added)  # a cancelled caller does not stop the others' addition
        return answer

    async def _add(self, counts: dict[tuple[str, str], list[int]]) -> None:
        for (organization, month), (spent_in, spent_out) in counts.items():
            await self._ledger.add(organization, month, input=spent_in, output=spent_out)

    async def close(self) -> None:
        """Close the wrapped model."""
        closer: Callable[[], Awaitable[None]] | None = getattr(self._model, "close", None)
        if closer is not None:
            await closer()
