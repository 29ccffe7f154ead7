"""The ChatModel contract: Anthropic and OpenAI adapters against local servers speaking their protocols."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from presentai.adapters.llm.chains import CircuitBreaker, FallbackChatModel
from presentai.adapters.llm.chat import AnthropicChatModel, OpenAIChatModel
from presentai.domain.errors import LLMUnavailable
from presentai.ports.llm import ChatMessage
from tests.llm_servers import FakeProvider, anthropic_app, openai_app, serving

Model = AnthropicChatModel | OpenAIChatModel
# How long the models wait for an answer: long, as nothing here is slow, except in the test of a stalled
# answer, which must time out; there a reply that should come at once may take STALL_TIMEOUT_S too.
TIMEOUT_S, STALL_TIMEOUT_S = 60.0, 3.0


@pytest.fixture(params=["anthropic", "openai"])
async def pair(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Model, FakeProvider]]:
    provider = FakeProvider()
    trouble = request.node.callspec.params.get("trouble")
    timeout_s = STALL_TIMEOUT_S if trouble == "stall" else TIMEOUT_S
    if request.param == "anthropic":
        async with serving(anthropic_app(provider), provider):
            model: Model = AnthropicChatModel("sk-ant-test", base_url=provider.url, timeout_s=timeout_s, backoff_s=0.01)
            yield model, provider
            await model.close()
    else:
        async with serving(openai_app(provider), provider):
            model = OpenAIChatModel("sk-test", base_url=f"{provider.url}/v1", timeout_s=timeout_s, backoff_s=0.01)
            yield model, provider
            await model.close()


async def test_a_reply_comes_back_with_its_usage_and_the_request_has_the_documented_shape(
    pair: tuple[Model, FakeProvider],
) -> None:
    model, provider = pair
    answer = await model.complete([ChatMessage("user", "Привет")], system="Be brief", max_tokens=50, json_output=True)
    assert answer.text == "Hello from the model"
    assert (answer.provider, answer.input_tokens > 0, answer.output_tokens > 0) == (model.provider, True, True)
    sent = provider.requests[-1]
    assert sent["max_tokens"] == 50
    if model.provider == "anthropic":
        assert sent["messages"] == [{"role": "user", "content": "Привет"}]
        assert sent["system"].startswith("Be brief")
    else:
        assert sent["messages"][0] == {"role": "system", "content": "Be brief"}
        assert sent["response_format"] == {"type": "json_object"}


@pytest.mark.parametrize("trouble", ["429", "500", "529", "malformed", "stall"])
async def test_passing_trouble_is_retried(pair: tuple[Model, FakeProvider], trouble: str) -> None:
    model, provider = pair
    provider.script = [trouble]
    answer = await model.complete([ChatMessage("user", "hi")])
    assert answer.text == "Hello from the model"
    assert len(provider.requests) == 2


async def test_lasting_trouble_is_llm_unavailable_and_a_refusal_is_not_retried(
    pair: tuple[Model, FakeProvider],
) -> None:
    model, provider = pair
    provider.script = ["500", "500", "500"]
    with pytest.raises(LLMUnavailable):
        await model.complete([ChatMessage("user", "hi")])
    assert len(provider.requests) == 3
    provider.script = ["400"]
    with pytest.raises(LLMUnavailable, match="refused"):
        await model.complete([ChatMessage("user", "hi")])
    assert len(provider.requests) == 4


async def test_the_fallback_chain_answers_from_the_second_model_and_says_so() -> None:
    primary, secondary = FakeProvider(), FakeProvider(reply=lambda body: "from GPT-4o")
    async with serving(anthropic_app(primary), primary), serving(openai_app(secondary), secondary):
        claude = AnthropicChatModel("k", base_url=primary.url, max_attempts=1)
        gpt = OpenAIChatModel("k", base_url=f"{secondary.url}/v1", max_attempts=1)
        chain = FallbackChatModel([claude, gpt])
        primary.script = ["500"]
        answer = await chain.complete([ChatMessage("user", "hi")])
        assert (answer.text, answer.provider, answer.fallback_triggered) == ("from GPT-4o", "openai", True)
        answer = await chain.complete([ChatMessage("user", "hi")])
        assert (answer.provider, answer.fallback_triggered) == ("anthropic", False)
        primary.script, secondary.script = ["500"], ["500"]
        with pytest.raises(LLMUnavailable) as unavailable:
            await chain.complete([ChatMessage("user", "hi")])
        assert unavailable.value.retry_after == 60
        await chain.close()


async def test_an_open_circuit_skips_the_failing_provider_until_its_cooldown_ends() -> None:
    now = [time.monotonic()]
    primary, secondary = FakeProvider(), FakeProvider(reply=lambda body: "fallback")
    async with serving(anthropic_app(primary), primary), serving(openai_app(secondary), secondary):
        breaker = CircuitBreaker(threshold=2, cooldown_s=30, clock=lambda: now[0])
        chain = FallbackChatModel(
            [
                AnthropicChatModel("k", base_url=primary.url, max_attempts=1),
                OpenAIChatModel("k", base_url=f"{secondary.url}/v1"),
            ],
            breakers=[breaker, CircuitBreaker()],
        )
        primary.script = ["500", "500"]
        for _ in range(2):
            await chain.complete([ChatMessage("user", "hi")])
        calls = len(primary.requests)
        for _ in range(3):
            assert (await chain.complete([ChatMessage("user", "hi")])).text == "fallback"
        assert len(primary.requests) == calls  # open: not even tried
        now[0] += 31
        assert (await chain.complete([ChatMessage("user", "hi")])).provider == "anthropic"  # half-open trial succeeds
        assert breaker.opened_at is None
        await chain.close()
