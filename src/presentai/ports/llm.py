"""Talking to a large language model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from attrs import frozen


@frozen
class ChatMessage:
    """One turn of a conversation."""

    role: Literal["user", "assistant"]
    content: str


@frozen
class ChatCompletion:
    """A model's answer with what it cost."""

    text: str
    model: str
    provider: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: int = 0
    fallback_triggered: bool = False  # a model earlier in the chain failed and this one answered


class ChatModel(Protocol):
    """A chat-style language model (Claude, GPT-4o, vLLM …)."""

    @property
    def provider(self) -> str:
        """Who serves the model, e.g. ``anthropic``."""
        ...

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        system: str = "",
        max_tokens: int = 1024,
        temperature: float = 0.2,
        json_output: bool = False,
    ) -> ChatCompletion:
        """The model's reply. Raises ``LLMUnavailable`` when the provider fails."""
        ...
