"""Local servers that speak the LLM providers' documented wire protocols, for the adapters' tests.

Each records the requests it got (checked against the documented shape) and answers from a script
of behaviours: ``ok``, ``429`` (with Retry-After), ``500``, ``529`` (overloaded), ``400``,
``malformed`` (a body that is not JSON), ``stall`` (headers, then a body that never finishes).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from aiohttp.typedefs import Handler, Middleware

Reply = Callable[[dict[str, Any]], str]


class FakeProvider:
    """The state of one fake provider: its script, the requests it saw and the reply function."""

    def __init__(self, reply: Reply | None = None) -> None:
        self.script: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.reply: Reply = reply or (lambda body: "Hello from the model")
        self.url = ""
        self.delay_s = 0.0  # every answer takes this long (a model's latency)

    def next_behaviour(self) -> str:
        return self.script.pop(0) if self.script else "ok"


async def _misbehave(
    request: web.Request, behaviour: str, error: Callable[[int, str], web.Response]
) -> web.StreamResponse | None:
    if behaviour == "429":
        response = error(429, "rate limited")
        response.headers["retry-after"] = "0"
        return response
    if behaviour in ("500", "529", "400"):
        return error(int(behaviour), "failure")
    if behaviour == "malformed":
        return web.Response(text="{not json", content_type="application/json")
    if behaviour == "stall":
        stream = web.StreamResponse(headers={"content-type": "application/json"})
        await stream.prepare(request)
        await stream.write(b'{"id": "msg_1", ')
        await asyncio.sleep(30)
        return stream
    return None


def anthropic_app(provider: FakeProvider) -> web.Application:
    """``POST /v1/messages`` as Anthropic documents it."""

    def error(status: int, message: str) -> web.Response:
        kind = {429: "rate_limit_error", 529: "overloaded_error", 400: "invalid_request_error"}.get(status, "api_error")
        return web.json_response({"type": "error", "error": {"type": kind, "message": message}}, status=status)

    async def messages(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        provider.requests.append(body)
        provider.headers.append(dict(request.headers))
        assert request.headers.get("x-api-key"), "x-api-key is required"
        assert request.headers.get("anthropic-version") == "2023-06-01"
        assert isinstance(body["model"], str)
        assert isinstance(body["max_tokens"], int)
        assert all(m["role"] in ("user", "assistant") and isinstance(m["content"], str) for m in body["messages"])
        assert "system" not in body or isinstance(body["system"], str)
        odd = await _misbehave(request, provider.next_behaviour(), error)
        if odd is not None:
            return odd
        await asyncio.sleep(provider.delay_s)
        text = provider.reply(body)
        return web.json_response(
            {
                "id": "msg_01",
                "type": "message",
                "role": "assistant",
                "model": body["model"],
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "usage": {"input_tokens": len(json.dumps(body)) // 4, "output_tokens": len(text) // 4},
            }
        )

    app = web.Application()
    app.router.add_post("/v1/messages", messages)
    return app


def openai_app(provider: FakeProvider) -> web.Application:
    """``POST /v1/chat/completions`` as OpenAI documents it (vLLM serves the same)."""

    def error(status: int, message: str) -> web.Response:
        return web.json_response(
            {"error": {"message": message, "type": "server_error", "code": str(status)}}, status=status
        )

    async def completions(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        provider.requests.append(body)
        provider.headers.append(dict(request.headers))
        assert request.headers.get("authorization", "").startswith("Bearer ")
        assert isinstance(body["model"], str)
        assert all(m["role"] in ("system", "user", "assistant") for m in body["messages"])
        odd = await _misbehave(request, provider.next_behaviour(), error)
        if odd is not None:
            return odd
        text = provider.reply(body)
        return web.json_response(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 1,
                "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
            }
        )

    app = web.Application()
    app.router.add_post("/v1/chat/completions", completions)
    return app


def held_after(calls: int, until: asyncio.Event) -> Middleware:
    """A middleware that answers the first ``calls`` requests and holds the others until ``until``: a
    job writing a deck cannot get past that call, however slowly the test watching it runs."""
    seen = 0

    @web.middleware
    async def hold(request: web.Request, handler: Handler) -> web.StreamResponse:
        nonlocal seen
        seen += 1
        if seen > calls:
            await until.wait()
        return await handler(request)

    return hold


@asynccontextmanager
async def serving(app: web.Application, provider: FakeProvider) -> AsyncIterator[FakeProvider]:
    async with TestServer(app, host="127.0.0.1") as server:
        provider.url = str(server.make_url("")).rstrip("/")
        yield provider


def deck_writing_reply(body: dict[str, Any]) -> str:
    """A well-behaved model: plans distinct, informative titles from the passage ids it is shown, and writes
    three short bullets that copy whole sentences, none of them already on the deck."""
    system = body.get("system") or next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
    prompt = next(m["content"] for m in body["messages"] if m["role"] == "user")
    if system.startswith("You plan"):
        wanted = int(re.search(r"Plan (\d+) content slides", prompt).group(1))  # type: ignore[union-attr]
        ids = re.findall(r"^\[([^\]]+)\]", prompt, re.MULTILINE)
        items = [
            {"title": f"Point {i + 1} of the report", "key_points": ["growth"], "chunk_ids": [ids[i]]}
            for i in range(wanted)
        ]
        return json.dumps({"title": "Northwind in 2025", "subtitle": "", "items": items})
    shown, _, already = prompt.partition("\n\nAlready on other slides of the deck (do not repeat these):\n")
    passages = re.findall(r"^\[([^\]]+)\] \([^)]*\)\n(.+?)(?=\n\n\[|\n\nThe current version|\Z)", shown, re.M | re.S)
    said = set(re.findall(r"^- (.+)$", already.split("\n\n")[0], re.MULTILINE))
    bullets: list[dict[str, Any]] = []
    for chunk_id, text in passages:
        for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
            if "\n" in sentence:
                continue  # a heading run into its paragraph, not a sentence
            key = " ".join(re.sub(r"[^\w]+", " ", sentence.casefold()).split())
            if len(bullets) < 3 and 5 <= len(sentence.split()) <= 18 and sentence[:1].isupper() and key not in said:
                bullets.append({"text": sentence, "chunk_ids": [chunk_id], "quote": sentence})
                said.add(key)
    return "Here you are:\n" + json.dumps({"title": "What the report says", "bullets": bullets, "notes": ""})
