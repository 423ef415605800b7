"""Properties of the one normalisation (accounts/identifiers.py): it is idempotent, and every
NFKC-equivalent (or case- or width-variant) spelling of an identifier classifies to the same
key, so a lookup by any of them finds the one stored row."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from monban.accounts.confusables import deceptive
from monban.accounts.identifiers import admit, classify, normalise
from monban.errors import CatalogueError

FORMS = ("NFC", "NFD", "NFKC", "NFKD")
LOCAL = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "M")) |
                st.sampled_from("._-+"), min_size=1, max_size=20)
LABEL = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=12) | \
    st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x30FA), min_size=1,
            max_size=6)
USERNAME = st.text(alphabet=string.ascii_letters + string.digits + "._-", min_size=3,
                   max_size=40)
PHONE = st.sampled_from(["+819012345678", "+81 80-1111-2222", "+14155550123",
                         "+44 7911 123456", "+33 6 12 34 56 78"])


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def variants(text: str) -> list[str]:
    """Spellings of `text` that must name the same account: its four normalisation forms,
    fullwidth, padded, lowercase, and uppercase where uppercasing keeps the letters."""
    out = [unicodedata.normalize(form, text) for form in FORMS]
    out += [text.lower(), fullwidth(text), f"  {text}\t"]
    if text.upper().lower() == text.lower():
        out.append(text.upper())
    return out


def _normal(kind: str, raw: str) -> str | None:
    try:
        return normalise(kind, raw)  # type: ignore[arg-type]
    except CatalogueError:
        return None



@settings(deadline=None, max_examples=300)
@given(LOCAL, st.lists(LABEL, min_size=1, max_size=3))
def test_email_normalisation_is_idempotent(local: str, labels: list[str]) -> None:
    once = _normal("email", f"{local}@{'.'.join(labels)}.example")
    assume(once is not None)
    assert once is not None
    assert normalise("email", once) == once
    assert unicodedata.normalize("NFKC", once) == once
    assert once == once.lower()


@settings(deadline=None, max_examples=300)
@given(st.text(min_size=1, max_size=40))
def test_any_text_normalises_idempotently_or_not_at_all(text: str) -> None:
    for kind in ("email", "phone", "username"):
        once = _normal(kind, text)
        if once is not None:
            assert normalise(kind, once) == once  # type: ignore[arg-type]


@settings(deadline=None, max_examples=200)
@given(LOCAL, LABEL)
def test_every_equivalent_email_form_finds_the_same_key(local: str, label: str) -> None:
    address = f"{local}@{label}.example"
    key = classify(address)
    assume(key is not None)
    for form in variants(address):
        assert classify(form) == key, (form, key)


@settings(deadline=None, max_examples=200)
@given(USERNAME)
def test_every_equivalent_username_form_finds_the_same_key(name: str) -> None:
    key = classify(name)
    assume(key is not None and key.kind == "username")
    for form in variants(name):
        assert classify(form) == key, form


@given(PHONE)
def test_every_phone_format_finds_the_same_key(number: str) -> None:
    key = classify(number)
    assert key is not None and key.kind == "phone"
    digits = key.value
    for form in (number, digits, fullwidth(number), number.replace(" ", "-"), f" {number} "):
        assert classify(form) == key, form


@pytest.mark.parametrize(("part", "refused"), [
    ("hanako", False), ("山田たろう", False), ("taro山田", False), ("пример", False),
    ("홍길동", False), ("h\u0430nako", True), ("\u0440\u0430\u0443", True),
    ("\u0391\u0392\u0395", True), ("abcαβγ", True), ("たろうпример", True),
])
def test_uts39_rules(part: str, refused: bool) -> None:
    assert deceptive(part) is refused


def test_admit_refuses_what_normalise_accepts() -> None:
    assert normalise("email", "h\u0430nako@acme.example") == "h\u0430nako@acme.example"
    with pytest.raises(CatalogueError) as caught:
        admit("email", "h\u0430nako@acme.example")
    assert caught.value.code == "IDENTIFIER_NOT_ALLOWED"


@settings(deadline=None, max_examples=300)
@given(st.text(max_size=60), st.sampled_from(["email", "phone", "username"]))
def test_admit_answers_any_text_with_a_catalogue_code(text: str, kind: str) -> None:
    try:
        value = admit(kind, text)  # type: ignore[arg-type]
    except CatalogueError as error:
        assert error.code in {"INVALID_EMAIL", "INVALID_PHONE_NUMBER", "INVALID_REQUEST",
                              "IDENTIFIER_NOT_ALLOWED"}
    else:
        assert normalise(kind, value) == value  # type: ignore[arg-type]
