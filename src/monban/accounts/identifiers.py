"""The three kinds of identifier (email, mobile number, username): the ONE normal form that is
stored and looked up, and the rules a new identifier must pass.

Every write (store/accounts.py insert and update) and every lookup (`classify`, used by the
sign-in, passwordless, recovery, mail login, support and admin paths) goes through here, so two
spellings that normalise alike name one account:

- all kinds: Unicode NFKC first (fullwidth `ｈａｎａｋｏ` is `hanako`, the ligature `ﬁ` is `fi`,
  `＋８１` is `+81`) and surrounding white space dropped;
- email: checked by email-validator (no deliverability lookup); the domain through IDNA
  (UTS #46 mapping: `xn--r8jz45g.jp` and `例え.jp` are one domain, stored in Unicode form); then
  the WHOLE address lowercased, local part included. RFC 5321 lets a mail server treat
  `Hanako@` and `hanako@` as two mailboxes, but no real provider does, and Google, Microsoft,
  Okta and Keycloak all match addresses without case: two accounts differing only by case
  would be the same person twice, or one person's look-alike;
- phone: E.164 (`+819012345678`) by phonenumbers; the number must carry its country code
  (`+81 90-1234-5678`, `+81 (0)90 1234 5678` and `＋８１９０１２３４５６７８` are all one), since a
  national `090-1234-5678` means different numbers in different countries;
- username: NFKC, then Unicode case folding, then `[a-z0-9._-]`, 3 to 64 characters.

A NEW identifier (an account created, an address or username changed) must also pass
`admit`: confusables.py's UTS #39 rules, else IDENTIFIER_NOT_ALLOWED. Lookups do not apply
them (an existing account keeps working)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from monban.accounts.confusables import deceptive
from monban.errors import CatalogueError

Kind = Literal["email", "phone", "username"]
KINDS: tuple[Kind, ...] = ("email", "phone", "username")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$")


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: Kind
    value: str


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def normalise_email(raw: str) -> str:
    try:
        result = validate_email(_nfkc(raw).strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise CatalogueError("INVALID_EMAIL") from exc
    # lowercasing may leave a string NFKC changes again (e.g. a capital with a combining mark)
    return _nfkc(f"{result.local_part}@{result.domain}".lower())


def normalise_phone(raw: str) -> str:
    """E.164, e.g. +819012345678. A number must carry its country code."""
    try:
        number = phonenumbers.parse(_nfkc(raw).strip(), None)
    except phonenumbers.NumberParseException as exc:
        raise CatalogueError("INVALID_PHONE_NUMBER") from exc
    if not phonenumbers.is_valid_number(number):
        raise CatalogueError("INVALID_PHONE_NUMBER")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _fold_username(raw: str) -> str:
    return _nfkc(_nfkc(raw).strip().casefold())


def normalise_username(raw: str) -> str:
    value = _fold_username(raw)
    if not _USERNAME.match(value):
        raise CatalogueError("INVALID_REQUEST", detail={"field": "username"})
    return value


_NORMALISE = {"email": normalise_email, "phone": normalise_phone,
              "username": normalise_username}


def normalise(kind: Kind, raw: str) -> str:
    """The stored and looked-up form of `raw` as a `kind`; idempotent."""
    return _NORMALISE[kind](raw)


def admit(kind: Kind, raw: str) -> str:
    """The normal form of a NEW identifier, or IDENTIFIER_NOT_ALLOWED for a mixed-script or
    confusable one (confusables.py), or the kind's format error."""
    if kind == "username":
        folded = _fold_username(raw)
        if deceptive(folded):
            raise CatalogueError("IDENTIFIER_NOT_ALLOWED", detail={"field": kind})
        return normalise_username(raw)
    value = normalise(kind, raw)
    if kind == "email":
        local, _, domain = value.rpartition("@")
        if any(deceptive(part) for part in (local, *domain.split("."))):
            raise CatalogueError("IDENTIFIER_NOT_ALLOWED", detail={"field": kind})
    return value


def classify(raw: str) -> Identifier | None:
    """What a person typed in the identifier box, in normal form; None if it is none of the
    three kinds (so it can match no account)."""
    text = _nfkc(raw).strip()
    if not text or len(text) > 320:
        return None
    try:
        if "@" in text:
            return Identifier("email", normalise_email(text))
        if text.startswith("+") or text.replace("-", "").replace(" ", "").isdigit():
            return Identifier("phone", normalise_phone(text))
        return Identifier("username", normalise_username(text))
    except CatalogueError:
        return None


def email_domain(identifier: Identifier) -> str | None:
    return identifier.value.rsplit("@", 1)[1] if identifier.kind == "email" else None
