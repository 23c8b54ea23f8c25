"""Validation of identifiers learners give us."""

from django.core.exceptions import ValidationError

NPI_INVALID = "Enter a valid NPI: 10 digits with a correct check digit."


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_npi(value: str) -> None:
    """A US National Provider Identifier: 10 digits, Luhn-checked with the 80840 card prefix (CMS)."""
    if not (isinstance(value, str) and len(value) == 10 and value.isascii() and value.isdigit()):
        raise ValidationError(NPI_INVALID, code="invalid_npi")
    if not _luhn_valid("80840" + value):
        raise ValidationError(NPI_INVALID, code="invalid_npi")
