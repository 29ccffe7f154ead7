"""Generation with language models through the service: N + 1 calls, cited bullets, usage, fallback, outage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from presentai.adapters.writers.llm import TEMPLATE_VERSION
from presentai.entrypoints.http.keys import CONTAINER
from tests.conftest import SAMPLES
from tests.e2e.conftest import run_cli
from tests.e2e.test_api import signed_up
from tests.e2e.test_api_files import service
from tests.e2e.test_api_presentations import add_source, generate, presentation, settle, upload
from tests.llm_servers import FakeProvider, anthropic_app, deck_writing_reply, openai_app, serving


@asynccontextmanager
async def with_models(tmp_path: Path, **settings: Any) -> AsyncIterator[tuple[TestClient, FakeProvider, FakeProvider]]:
    claude, gpt = FakeProvider(deck_writing_reply), FakeProvider(deck_writing_reply)
    async with serving(anthropic_app(claude), claude), serving(openai_app(gpt), gpt):
        configured = {
            "llm": "anthropic,openai",
            "anthropic_api_key": "sk-ant-test",
            "anthropic_base_url": claude.url,
            "openai_api_key": "sk-test",
            "openai_base_url": f"{gpt.url}/v1",
            **settings,
        }
        async with service(tmp_path, **configured) as client:
            yield client, claude, gpt


async def ready_deck(client: TestClient, slides: int) -> tuple[dict[str, str], dict[str, Any]]:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    deck = await presentation(client, anna["auth"], slides=slides)
    await add_source(client, auth, deck["id"], upload(SAMPLES / "annual-report-2025.pdf"))
    return auth, deck


async def test_a_deck_takes_one_call_per_slide_plus_one_and_every_bullet_cites_its_passage(tmp_path: Path) -> None:
    async with with_models(tmp_path) as (client, claude, gpt):
        auth, deck = await ready_deck(client, slides=4)
        outlined = await generate(client, auth, deck["id"], "outline")
        assert [i["title"] for i in outlined["outline"]["items"]] == [f"Point {n} of the report" for n in range(1, 5)]
        ready = await generate(client, auth, deck["id"], "slides")
        org = deck["organization_id"]
        usage = await (await client.get(f"/api/v1/organizations/{org}/usage", headers=auth)).json()
        traces = await client.server.app[CONTAINER].traces().traces(org)
    assert sorted(t.kind for t in traces) == ["outline"] + ["slide"] * 4
    assert {(t.presentation_id, t.provider, t.template_version) for t in traces} == {
        (deck["id"], "anthropic", TEMPLATE_VERSION)
    }
    assert all(t.job_id and t.input_tokens and t.latency_ms >= 0 and not t.fallback_triggered for t in traces)
    assert (ready["status"], len(ready["slides"])) == ("ready", 4)
    assert (len(claude.requests), len(gpt.requests)) == (5, 0)  # N + 1, all answered by the primary
    bullets = [b for s in ready["slides"] for b in s["bullets"]]
    assert bullets
    assert all(b["attributions"] and b["supported"] for b in bullets)
    assert all(b["attributions"][0]["quote"].startswith(b["text"][:20]) for b in bullets)
    assert usage["input_tokens"] > 0
    assert usage["output_tokens"] > 0


async def test_when_the_primary_fails_the_fallback_writes_the_deck(tmp_path: Path) -> None:
    async with with_models(tmp_path) as (client, claude, gpt):
        auth, deck = await ready_deck(client, slides=2)
        claude.script = ["500"] * 100
        await generate(client, auth, deck["id"], "outline")
        ready = await generate(client, auth, deck["id"], "slides")
    assert (ready["status"], len(ready["slides"])) == ("ready", 2)
    assert len(gpt.requests) == 3


async def test_when_every_model_is_down_the_job_fails_cleanly_and_then_the_api_answers_503(tmp_path: Path) -> None:
    async with with_models(tmp_path) as (client, claude, gpt):
        auth, deck = await ready_deck(client, slides=2)
        claude.script = ["500"] * 1000
        gpt.script = ["500"] * 1000
        failed = await generate(client, auth, deck["id"], "outline")
        assert failed["status"] == "failed"
        assert "language model" in failed["error_message"]
        await generate(client, auth, deck["id"], "outline")  # five failures in a row open both circuits
        refused = await client.post(f"/api/v1/presentations/{deck['id']}/generate/outline", headers=auth)
        body = await refused.json()
        assert (refused.status, body["error"], body["retry_after"]) == (503, "llm_unavailable", 60)
        assert refused.headers["Retry-After"] == "60"
        stored = await (await client.get(f"/api/v1/presentations/{deck['id']}", headers=auth)).json()
        assert stored["status"] == "failed"  # nothing was claimed by the refused request
        assert client.server.app[CONTAINER].settings().llm == "anthropic,openai"


async def test_platform_admins_see_quality_metrics_per_template_version(tmp_path: Path) -> None:
    async with with_models(tmp_path) as (client, _, _):
        auth, deck = await ready_deck(client, slides=3)
        await generate(client, auth, deck["id"], "outline")
        ready = await generate(client, auth, deck["id"], "slides")
        first = ready["slides"][0]["id"]
        await settle(client, await client.post(f"/api/v1/slides/{first}/regenerate", headers=auth))
        refused = await client.get("/api/v1/admin/quality-metrics", headers=auth)
        body = await refused.json()
        assert (refused.status, body["error"], body["required"]) == (403, "insufficient_role", "platform_admin")
        me = await (await client.get("/api/v1/users/me", headers=auth)).json()
        granted = run_cli("admin", "grant", me["email"], workspace=tmp_path / "ws")
        assert granted.returncode == 0, granted.stderr
        metrics = await (await client.get("/api/v1/admin/quality-metrics", headers=auth)).json()
    (row,) = metrics["data"]
    assert (row["template_version"], row["calls"], row["slides"]) == (TEMPLATE_VERSION, 5, 3)
    assert row["regeneration_rate"] == round(1 / 3, 4)
    assert (row["attribution_coverage"], row["unsupported_bullet_rate"], row["fallback_rate"]) == (1.0, 0.0, 0.0)
    assert row["tokens_per_slide"] > 0


async def test_stored_prompt_versions_are_used_by_weight_and_recorded_in_every_trace(tmp_path: Path) -> None:
    async with with_models(tmp_path) as (client, claude, _):
        auth, deck = await ready_deck(client, slides=2)
        me = await (await client.get("/api/v1/users/me", headers=auth)).json()
        assert run_cli("admin", "grant", me["email"], workspace=tmp_path / "ws").returncode == 0
        system = "You write one presentation slide, in plain words, from the passages. Answer JSON as asked."
        made = await client.post(
            "/api/v1/admin/prompt-templates", json={"name": "slide", "system": system, "active": True}, headers=auth
        )
        v1 = await made.json()
        assert (made.status, v1["label"], v1["active"]) == (201, "slide-v1", True)
        bad = await client.post(
            "/api/v1/admin/prompt-templates", json={"name": "title", "system": system}, headers=auth
        )
        assert bad.status == 422
        await generate(client, auth, deck["id"], "outline")
        await generate(client, auth, deck["id"], "slides")
        slide_calls = [r for r in claude.requests if not r.get("system", "").startswith("You plan")]
        assert slide_calls
        assert all(r["system"].startswith(system) for r in slide_calls)

        v2 = await (
            await client.post(
                "/api/v1/admin/prompt-templates", json={"name": "slide", "system": system + " Be brief."}, headers=auth
            )
        ).json()
        assert (v2["label"], v2["active"]) == ("slide-v2", False)
        await client.patch(f"/api/v1/admin/prompt-templates/{v1['id']}", json={"active": False}, headers=auth)
        await client.patch(
            f"/api/v1/admin/prompt-templates/{v2['id']}", json={"active": True, "weight": 50}, headers=auth
        )
        listed = await (await client.get("/api/v1/admin/prompt-templates", headers=auth)).json()
        assert [(t["label"], t["active"], t["weight"]) for t in listed["data"]] == [
            ("slide-v1", False, 100),
            ("slide-v2", True, 50),
        ]
        await generate(client, auth, deck["id"], "slides")
        traces = await client.server.app[CONTAINER].traces().traces(deck["organization_id"])
    versions = [t.template_version for t in sorted(traces, key=lambda t: t.created_at)]
    assert versions == [TEMPLATE_VERSION, "slide-v1", "slide-v1", "slide-v2", "slide-v2"]
