"""Chat models over HTTP (httpx): Anthropic's Messages API and OpenAI's Chat Completions (which vLLM and
other on-premise servers also speak), each call retried with jitter."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from presentai.adapters.http_transport import AiohttpTransport
from presentai.domain.errors import LLMUnavailable
from presentai.ports.llm import ChatCompletion, ChatMessage

_RETRYABLE = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
MAX_RETRY_AFTER_S = 30.0


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after-ms")
    if value:
        try:
            return float(value) / 1000
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class _HttpModel:
    """What both wire protocols share: one POST, retried with full-jitter backoff on 429, 5xx, timeouts,
    dropped connections and malformed bodies; ``Retry-After`` is honoured (up to 30 s)."""

    provider = ""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        headers: dict[str, str],
        timeout_s: float = 60.0,
        max_attempts: int = 3,
        backoff_s: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            transport=transport or AiohttpTransport(),
        )
        self.model = model
        self._attempts = max_attempts
        self._backoff = backoff_s

    async def _post(self, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
        last = "no attempt"
        for attempt in range(1, self._attempts + 1):
            started = time.perf_counter()
            try:
                return await self._once(path, body), round((time.perf_counter() - started) * 1000)
            except _Retryable as error:
                last = str(error)
                if attempt == self._attempts:
                    break
                ceiling = self._backoff * 2 ** (attempt - 1)
                wait = error.retry_after if error.retry_after is not None else random.uniform(0, ceiling)  # noqa: S311
                await asyncio.sleep(min(wait, MAX_RETRY_AFTER_S))
        raise LLMUnavailable(f"{self.provider} failed after {self._attempts} attempts: {last}", self.provider)

    async def _once(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._client.post(path, json=body)
        except httpx.TimeoutException as error:
            raise _Retryable(f"timed out ({type(error).__name__})") from error
        except httpx.TransportError as error:
            raise _Retryable(f"connection failed ({type(error).__name__})") from error
        if response.status_code in _RETRYABLE:
            raise _Retryable(f"HTTP {response.status_code}", _retry_after(response))
        if response.status_code >= 400:
            raise LLMUnavailable(
                f"{self.provider} refused the request: HTTP {response.status_code} {response.text[:300]}", self.provider
            )
        try:
            parsed = response.json()
        except ValueError as error:
            raise _Retryable("the response is not JSON") from error
        if not isinstance(parsed, dict):
            raise _Retryable("the response is not a JSON object")
        return parsed

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()


class AnthropicChatModel(_HttpModel):
    """Claude through the Messages API (``POST /v1/messages``)."""

    provider = "anthropic"

    def __init__(
        self,
        api_key: str,
        model: str = "claude-sonnet-4-5",
        base_url: str = "https://api.anthropic.com",
        **options: Any,
    ) -> None:
        headers = {"x-api-key": api_key, "anthropic-version": "2023-06-01", "content-type": "application/json"}
        super().__init__(base_url=base_url, model=model, headers=headers, **options)

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        system: str = "",
        max_tokens: int = 1024,
        temperature: float = 0.2,
        json_output: bool = False,
    ) -> ChatCompletion:
        """One message from Claude."""
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
        }
        if system or json_output:
            body["system"] = (
                (system + "\n\nAnswer with one JSON object and nothing else.").strip() if json_output else system
            )
        for attempt in range(2):
            data, latency = await self._post("/v1/messages", body)
            try:
                text = "".join(block["text"] for block in data["content"] if block.get("type") == "text")
                usage = data.get("usage") or {}
                return ChatCompletion(
                    text,
                    str(data.get("model") or self.model),
                    self.provider,
                    int(usage.get("input_tokens", 0)),
                    int(usage.get("output_tokens", 0)),
                    latency,
                )
            except (KeyError, TypeError, ValueError) as error:
                if attempt:
                    raise LLMUnavailable(
                        f"anthropic answered in an unexpected shape: {error}", self.provider
                    ) from error
        raise AssertionError("unreachable")


class OpenAIChatModel(_HttpModel):
    """GPT-4o through Chat Completions (``POST {base}/chat/completions``); with another ``base_url`` and
    ``model`` the same adapter serves vLLM (Llama 3) or any OpenAI-compatible server."""

    def __init__(
        self,
        api_key: str,
        model: str = "gpt-4o",
        base_url: str = "https://api.openai.com/v1",
        provider: str = "openai",
        **options: Any,
    ) -> None:
        headers = {"authorization": f"Bearer {api_key}", "content-type": "application/json"}
        super().__init__(base_url=base_url, model=model, headers=headers, **options)
        self.provider = provider

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        system: str = "",
        max_tokens: int = 1024,
        temperature: float = 0.2,
        json_output: bool = False,
    ) -> ChatCompletion:
        """One chat completion."""
        turns = ([{"role": "system", "content": system}] if system else []) + [
            {"role": m.role, "content": m.content} for m in messages
        ]
        body: dict[str, Any] = {
            "model": self.model,
            "messages": turns,
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if json_output:
            body["response_format"] = {"type": "json_object"}
        for attempt in range(2):
            data, latency = await self._post("/chat/completions", body)
            try:
                text = data["choices"][0]["message"]["content"] or ""
                usage = data.get("usage") or {}
                return ChatCompletion(
                    str(text),
                    str(data.get("model") or self.model),
                    self.provider,
                    int(usage.get("prompt_tokens", 0)),
                    int(usage.get("completion_tokens", 0)),
                    latency,
                )
            except (KeyError, IndexError, TypeError, ValueError) as error:
                if attempt:
                    raise LLMUnavailable(
                        f"{self.provider} answered in an unexpected shape: {error}", self.provider
                    ) from error
        raise AssertionError("unreachable")
