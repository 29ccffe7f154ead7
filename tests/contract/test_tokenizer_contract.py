"""The Tokenizer contract: TiktokenTokenizer counts exactly as OpenAI's encodings do, checked against bpe_openai."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer
from presentai.domain.errors import PresentAIError, TokenizerUnavailable
from presentai.ports.tokens import Tokenizer

# bpe_openai reads its rank files with importlib.resources.open_binary, deprecated since Python 3.11;
# the suite turns warnings into errors, so the reference is loaded with that one warning silenced.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "open_binary is deprecated", DeprecationWarning)
    import bpe_openai

ENCODINGS = ["o200k_base", "cl100k_base"]
SOURCES = Path(__file__).resolve().parents[2] / "samples" / "src"

TEXTS = {
    "english": "The Ashby Moor battery stores 100 megawatt hours of energy, and Stonebridge follows in 2026.",
    "russian": "Накопитель энергии мощностью 50 мегаватт введён в эксплуатацию; ёмкость — 100 МВт·ч.",
    "mixed": "GridBank (накопители) reached 150 MW — см. раздел 4.2, p. 9; it's Northwind's first.",
    "numbers": "1,284.6 1197.3 +7.3% 2025-12-31 3.14159265358979 000123 1e10 -0.5 ½ ²",
    "whitespace": "  \n\n\t  a   b\r\n\r\n    \t\t c  \n   \u00a0end\n\n\n",
    "emoji": "Great job 👍🏽🎉 team! 🇬🇧 ⚡️🔋 👩‍👩‍👧‍👦",
    "empty": "",
}


@pytest.fixture(scope="module", params=ENCODINGS)
def encoding(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def tokenizer(encoding: str) -> Tokenizer:
    return TiktokenTokenizer(encoding)


@pytest.fixture(scope="module")
def reference(encoding: str) -> bpe_openai.Encoding:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "open_binary is deprecated", DeprecationWarning)
        return bpe_openai.get_encoding(encoding)


def test_the_tokenizer_is_named_after_its_encoding(tokenizer: Tokenizer, encoding: str) -> None:
    assert tokenizer.name == encoding


@pytest.mark.parametrize("text", TEXTS.values(), ids=list(TEXTS))
def test_counts_equal_the_reference_encoding(tokenizer: Tokenizer, reference: bpe_openai.Encoding, text: str) -> None:
    assert tokenizer.count(text) == len(reference.encode(text))


@pytest.mark.parametrize("source", ["annual-report-2025.md", "otchet-vetroparka.md"])
def test_counts_of_whole_documents_equal_the_reference_encoding(
    tokenizer: Tokenizer, reference: bpe_openai.Encoding, source: str
) -> None:
    text = (SOURCES / source).read_text(encoding="utf-8")

    assert tokenizer.count(text) == len(reference.encode(text))


def test_special_token_text_in_a_document_is_counted_as_ordinary_text(
    tokenizer: Tokenizer, reference: bpe_openai.Encoding
) -> None:
    text = "A prompt ends with <|endoftext|> and <|endofprompt|> markers."

    assert tokenizer.count(text) == len(reference.encode(text, disallowed_special=()))
    assert tokenizer.count(text) > 3


def test_russian_costs_more_tokens_in_cl100k_than_in_o200k() -> None:
    text = TEXTS["russian"]

    assert TiktokenTokenizer("cl100k_base").count(text) > TiktokenTokenizer("o200k_base").count(text)


@pytest.mark.parametrize("text", [t for t in TEXTS.values() if t], ids=[k for k, t in TEXTS.items() if t])
def test_truncating_within_the_budget_returns_the_text_unchanged(tokenizer: Tokenizer, text: str) -> None:
    count = tokenizer.count(text)

    assert tokenizer.truncate(text, count) == text
    assert tokenizer.truncate(text, count + 50) == text


def test_truncating_to_zero_tokens_gives_the_empty_string(tokenizer: Tokenizer) -> None:
    assert tokenizer.truncate(TEXTS["english"], 0) == ""


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        pytest.param(encoding, text, id=f"{encoding}-{name}")
        for encoding in ENCODINGS
        for name, text in TEXTS.items()
        if text
    ],
)
def test_truncating_returns_a_prefix_of_the_text_within_the_budget(encoding: str, text: str) -> None:
    tokenizer = TiktokenTokenizer(encoding)
    failures = []
    for budget in range(tokenizer.count(text)):
        truncated = tokenizer.truncate(text, budget)
        if not text.startswith(truncated) or tokenizer.count(truncated) > budget:
            failures.append((budget, truncated[-8:]))

    assert failures == []


@pytest.mark.parametrize("name", ["english", "numbers", "whitespace"])
def test_truncating_latin_text_uses_the_whole_budget(tokenizer: Tokenizer, name: str) -> None:
    text = TEXTS[name]

    assert [tokenizer.count(tokenizer.truncate(text, budget)) for budget in range(tokenizer.count(text))] == list(
        range(tokenizer.count(text))
    )


def test_an_unknown_encoding_raises_tokenizer_unavailable_naming_the_choices() -> None:
    with pytest.raises(TokenizerUnavailable) as raised:
        TiktokenTokenizer("p50k_imaginary")

    assert isinstance(raised.value, PresentAIError)
    assert "p50k_imaginary" in str(raised.value)
    assert "o200k_base" in str(raised.value)
    assert "cl100k_base" in str(raised.value)
