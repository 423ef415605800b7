"""The three kinds of identifier (email, mobile number, username): validation and the
normal form that is stored and looked up."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from monban.errors import SignInError

Kind = Literal["email", "phone", "username"]
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$")


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: Kind
    value: str


def normalise_email(raw: str) -> str:
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise SignInError("INVALID_EMAIL") from exc
    return result.normalized.lower()


def normalise_phone(raw: str) -> str:
    """E.164, e.g. +819012345678. A number must carry its country code."""
    try:
        number = phonenumbers.parse(raw.strip(), None)
    except phonenumbers.NumberParseException as exc:
        raise SignInError("INVALID_PHONE_NUMBER") from exc
    if not phonenumbers.is_valid_number(number):
        raise SignInError("INVALID_PHONE_NUMBER")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_username(raw: str) -> str:
    value = unicodedata.normalize("NFKC", raw.strip()).lower()
    if not _USERNAME.match(value):
        raise SignInError("INVALID_REQUEST", detail={"field": "username"})
    return value


def classify(raw: str) -> Identifier | None:
    """What a person typed in the identifier box, in normal form; None if it is none of the
    three kinds (so it can match no account)."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text or len(text) > 320:
        return None
    try:
        if "@" in text:
            return Identifier("email", normalise_email(text))
        if text.startswith("+") or text.replace("-", "").replace(" ", "").isdigit():
            return Identifier("phone", normalise_phone(text if text.startswith("+") else text))
        return Identifier("username", normalise_username(text))
    except SignInError:
        return None


def email_domain(identifier: Identifier) -> str | None:
    return identifier.value.rsplit("@", 1)[1] if identifier.kind == "email" else None
