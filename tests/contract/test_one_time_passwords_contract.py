"""The OneTimePasswords contract (TOTP, RFC 6238) against the pyotp adapter, with the RFC's own test vectors."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import pytest

from presentai.adapters.auth.totp import PyotpOneTimePasswords
from presentai.ports.accounts import OneTimePasswords

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()  # RFC 6238 appendix B, SHA-1


@pytest.fixture(params=["pyotp"])
def codes(request: pytest.FixtureRequest) -> OneTimePasswords:
    return PyotpOneTimePasswords()


@pytest.mark.parametrize(
    ("unix_time", "eight_digits"),
    [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")],
)
def test_codes_match_the_rfc_6238_vectors_at_their_step(
    codes: OneTimePasswords, unix_time: int, eight_digits: str
) -> None:
    at = datetime.fromtimestamp(unix_time, UTC)
    assert codes.matching_step(RFC_SECRET, eight_digits[-6:], at) == unix_time // 30


def test_a_code_is_accepted_one_step_early_or_late_but_not_two(codes: OneTimePasswords) -> None:
    code = "287082"  # the code of step 1 (t = 30..59)
    assert codes.matching_step(RFC_SECRET, code, datetime.fromtimestamp(89, UTC)) == 1
    assert codes.matching_step(RFC_SECRET, code, datetime.fromtimestamp(5, UTC)) == 1
    assert codes.matching_step(RFC_SECRET, code, datetime.fromtimestamp(95, UTC)) is None


@pytest.mark.parametrize("wrong", ["", "12345", "1234567", "abcdef", "000000"])
def test_malformed_or_wrong_codes_match_nothing(codes: OneTimePasswords, wrong: str) -> None:
    assert codes.matching_step(RFC_SECRET, wrong, datetime.fromtimestamp(59, UTC)) is None


def test_new_secrets_are_random_base32_of_160_bits_and_provisioned_as_otpauth(codes: OneTimePasswords) -> None:
    first, second = codes.new_secret(), codes.new_secret()
    assert first != second
    assert len(base64.b32decode(first)) == 20
    uri = urlparse(codes.provisioning_uri(first, "anna@example.com", "PresentAI"))
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert "anna%40example.com" in uri.path or "anna@example.com" in uri.path
    assert parse_qs(uri.query)["secret"] == [first]
    assert parse_qs(uri.query)["issuer"] == ["PresentAI"]
