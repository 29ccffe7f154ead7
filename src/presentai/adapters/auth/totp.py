"""TOTP codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) through pyotp, as authenticator apps expect."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

_STEP_SECONDS = 30
_DRIFT_STEPS = 1


class PyotpOneTimePasswords:
    """Google Authenticator-compatible codes; a code is accepted one step early or late."""

    def new_secret(self) -> str:
        """160 random bits in base32, the size RFC 4226 recommends."""
        return pyotp.random_base32(32)

    def provisioning_uri(self, secret: str, account: str, issuer: str) -> str:
        """The ``otpauth://totp/...`` URI of the secret."""
        return pyotp.TOTP(secret, interval=_STEP_SECONDS).provisioning_uri(name=account, issuer_name=issuer)

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        """The step within the drift window whose code equals ``code``, compared in constant time."""
        code = code.strip().replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            return None
        totp = pyotp.TOTP(secret, interval=_STEP_SECONDS)
        step = int(at.timestamp()) // _STEP_SECONDS
        for candidate in range(max(step - _DRIFT_STEPS, 0), step + _DRIFT_STEPS + 1):
            if hmac.compare_digest(totp.generate_otp(candidate), code):
                return candidate
        return None
