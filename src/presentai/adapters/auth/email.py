"""Email addresses checked by email-validator (syntax only, never DNS) and confusable ones spotted by
confusable-homoglyphs (Unicode's confusables and scripts data, shipped in the package)."""

from __future__ import annotations

from confusable_homoglyphs import confusables
from email_validator import EmailNotValidError, validate_email

from presentai.domain.accounts import CheckedEmail, normalize_email
from presentai.domain.errors import ValidationFailed


class EmailValidatorAddresses:
    """Validates and normalises addresses: NFC local part, lower case, an IDNA-valid domain, no controls."""

    def check(self, email: str) -> CheckedEmail:
        """The canonical address and whether it mixes scripts with lookalike letters; ``ValidationFailed``
        when it is not an address."""
        try:
            valid = validate_email(email.strip(), check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationFailed(f"that is not a valid email address: {error}", {"email": "invalid"}) from None
        address = normalize_email(valid.normalized)
        local, _, domain = address.rpartition("@")
        # Each label on its own: "pаypal" (Cyrillic а) is dangerous; "иван@example.com" is one script per part.
        parts = [local, *domain.split(".")]
        return CheckedEmail(address, any(confusables.is_dangerous(part) for part in parts))
