"""The rules a new password must meet: NIST SP 800-63B basics (length in characters after
NFKC normalisation, any Unicode, no composition rules)."""

from __future__ import annotations

import unicodedata

from monban.errors import CatalogueError

MIN_LENGTH = 8
MAX_LENGTH = 256


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def check_new_password(password: str, *, min_length: int = MIN_LENGTH) -> str:
    """The password as it will be hashed, or PASSWORD_POLICY_VIOLATION naming the rule."""
    value = normalise(password)
    if len(value) < min_length:
        raise CatalogueError("PASSWORD_POLICY_VIOLATION",
                          detail={"rule": "min_length", "min_length": min_length})
    if len(value) > MAX_LENGTH:
        raise CatalogueError("PASSWORD_POLICY_VIOLATION",
                          detail={"rule": "max_length", "max_length": MAX_LENGTH})
    if not value.strip():
        raise CatalogueError("PASSWORD_POLICY_VIOLATION", detail={"rule": "blank"})
    return value
