"""Concurrent requests against a running ``presentai serve`` cannot together pass a plan's limit that each
passes alone: stored bytes, embedding tokens, and exports a month (reserved or spent in one step with
the check)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import aiohttp

from presentai.adapters.parsers.detecting import ContentSniffingParser
from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer
from presentai.domain.chunking import ChunkingRules
from presentai.domain.preparation import PreparedDocument
from tests.e2e.test_abuse import presentation, serving, signed_up
from tests.waiting import DEADLINE_S, until

FILE_BYTES = 10_000
STORAGE_FILES = 3  # the plan's storage holds this many such files


def _document(n: int, size: int) -> bytes:
    text = f"# Report {n}\n\n" + "".join(f"Finding {n}.{i} about the orchard and its oaks. " for i in range(size))
    return text.encode()[:size]


async def _upload(http: aiohttp.ClientSession, headers: dict[str, str], name: str, data: bytes) -> tuple[int, Any]:
    form = aiohttp.FormData()
    form.add_field("file", io.BytesIO(data), filename=name, content_type="text/markdown")
    async with http.post("/api/v1/files/upload", data=form, headers=headers) as response:
        return response.status, await response.json()


async def _ended(http: aiohttp.ClientSession, headers: dict[str, str], file_id: str) -> dict[str, Any]:
    state: dict[str, Any] = {}

    async def ended() -> bool:
        nonlocal state
        state = await (await http.get(f"/api/v1/files/{file_id}", headers=headers)).json()
        return state["ingestion_status"] in ("indexed", "failed")

    await until(ended, f"the ingestion of {file_id} ending")
    return state


async def _usage(http: aiohttp.ClientSession, me: dict[str, Any]) -> dict[str, Any]:
    profile = await (await http.get("/api/v1/users/me", headers=me["headers"])).json()
    organization_id = profile["organizations"][0]["id"]
    response = await http.get(f"/api/v1/organizations/{organization_id}/usage", headers=me["headers"])
    assert response.status == 200, await response.text()
    return await response.json()  # type: ignore[no-any-return]


def tokens_of(data: bytes) -> int:
    """The embedding tokens the service counts for ``data``: its chunks' tokens, read as the service reads."""
    parsed = ContentSniffingParser().parse(data, "probe.md")
    prepared = PreparedDocument.of(
        parsed, document_id="d", organization_id="o", count_tokens=TiktokenTokenizer().count, rules=ChunkingRules()
    )
    return sum(chunk.token_count for chunk in prepared.chunks)


def test_concurrent_uploads_and_exports_cannot_together_pass_the_plans_limits(tmp_path: Path) -> None:
    token_file = _document(0, 3_000)
    tokens = tokens_of(token_file)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    limits = {
        "PRESENTAI_PLAN_STORAGE_LIMITS": f"free={STORAGE_FILES * FILE_BYTES}",
        "PRESENTAI_PLAN_TOKEN_LIMITS": f"free={tokens * 3 // 2}",  # one such file fits, two do not
        "PRESENTAI_PLAN_EXPORT_LIMITS": "free=2",
    }
    with serving(workspace, **limits) as (base, _):

        async def check() -> None:
            async with aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=DEADLINE_S * 5)) as http:
                # storage: six files at once, of which the plan holds three
                me = await signed_up(http)
                files = [_document(n, FILE_BYTES) for n in range(2 * STORAGE_FILES)]
                answers = await asyncio.gather(
                    *(_upload(http, me["headers"], f"f{n}.md", data) for n, data in enumerate(files))
                )
                statuses = sorted(status for status, _ in answers)
                assert statuses == [202] * STORAGE_FILES + [413] * STORAGE_FILES, answers
                refusal = next(body for status, body in answers if status == 413)
                assert refusal["error"] == "file_too_large"
                assert refusal["limit"] == STORAGE_FILES * FILE_BYTES
                assert (await _usage(http, me))["stored_bytes"] == STORAGE_FILES * FILE_BYTES

                # tokens: four files at once, each within the month's tokens alone, one within them together
                other = await signed_up(http)
                answers = await asyncio.gather(
                    *(_upload(http, other["headers"], f"t{n}.md", token_file) for n in range(4))
                )
                assert [status for status, _ in answers] == [202] * 4, answers
                ended = [await _ended(http, other["headers"], body["id"]) for _, body in answers]
                outcomes = sorted((e["ingestion_status"], e["error_code"]) for e in ended)
                assert outcomes == [("failed", "token_limit_exceeded")] * 3 + [("indexed", None)], ended
                usage = await _usage(http, other)
                assert usage["embedding_tokens"] == tokens
                assert usage["remaining"] == tokens * 3 // 2 - tokens

                # exports: three at once, of which the plan allows two a month
                deck = await presentation(http, other["headers"])
                await http.post(f"/api/v1/presentations/{deck['id']}/slides", json={"title": "One"},
                                headers=other["headers"])  # fmt: skip

                async def export() -> tuple[int, Any]:
                    async with http.post(f"/api/v1/presentations/{deck['id']}/export", json={"format": "pptx"},
                                         headers=other["headers"]) as response:  # fmt: skip
                        return response.status, await response.json()

                answers = await asyncio.gather(*(export() for _ in range(3)))
                assert sorted(status for status, _ in answers) == [202, 202, 429], answers
                refusal = next(body for status, body in answers if status == 429)
                assert refusal["error"] == "rate_limit_exceeded"
                assert refusal["retry_after"] > 0
                assert "2 exports a month" in refusal["message"]
                usage = await _usage(http, other)
                assert (usage["exports"], usage["export_limit"]) == (2, 2)
                assert [m["exports"] for m in usage["history"]] == [2]

        asyncio.run(check())
