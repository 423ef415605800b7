"""The blocklist of NIST SP 800-63B: passwords known to be common or breached, and the
account's own name, email address and username.

The common passwords ship with the package (common_passwords.txt: about 40,000, the union of
Django's 20,000 common passwords and zxcvbn's 30,000 most frequent leaked ones; its header
says where each comes from). A password matches when, NFKC-normalised and case-folded, it is
on the list as typed or once its trailing digits, symbols and spaces are stripped, so the
usual decorations do not get a listed password through ("Dragon2024!" is "dragon")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import dropwhile

DATA = "common_passwords.txt"
MIN_STEM = 4
"""A stripped form shorter than this is not looked up: "a" + twelve random digits is not
"a"."""
MIN_WORD = 4
"""Identity words shorter than this (in Latin script) are too common inside other words to
refuse ("Ann" in "planning"); in other scripts (a Japanese family name) two characters
already say who it is."""
MIN_REST = 6
"""Letters a password built on the account's name needs besides it to be more than a
decoration of the name."""
_SEPARATORS = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """How passwords and list entries are compared: NFKC, then case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, read once (the header's `#` lines skipped)."""
    text = files("monban.passwords").joinpath(DATA).read_text(encoding="utf-8")
    lines = dropwhile(lambda line: line.startswith("#"), text.splitlines())
    return frozenset(line for line in lines if line)


def stem(folded: str) -> str:
    """`folded` without its trailing digits, symbols and spaces."""
    end = len(folded)
    while end and not folded[end - 1].isalpha():
        end -= 1
    return folded[:end]


def is_common(password: str) -> bool:
    folded = fold(password)
    listed = common_passwords()
    if folded in listed or folded.strip() in listed:
        return True
    stripped = stem(folded)
    return len(stripped) >= MIN_STEM and stripped in listed


@dataclass(frozen=True, slots=True)
class Identity:
    """What a password may not contain: the account's (or the new account's) own names."""

    name: str = ""
    email: str | None = None
    username: str | None = None

    def words(self) -> list[tuple[str, str]]:
        """(field, word) pairs: each whole value and each of its parts, long enough to mean
        something; longest first."""
        values = [("name", self.name), ("username", self.username or ""),
                  ("email", (self.email or "").split("@")[0])]
        found: list[tuple[str, str]] = []
        for field, value in values:
            folded = fold(value)
            parts = [p for p in _SEPARATORS.split(folded) if p]
            for word in {"".join(parts), *parts}:
                if len(word) >= (MIN_WORD if word.isascii() else 2):
                    found.append((field, word))
        return sorted(found, key=lambda pair: (-len(pair[1]), pair))


def identity_field(password: str, identity: Identity) -> str | None:
    """Which of the account's names ("name", "email", "username") the password is built
    from, if any: once the names it contains are taken out (separators ignored, so
    "Hanako.Yamada" contains "hanakoyamada"), what is left is digits and symbols, fewer than
    MIN_REST letters, or a common password ("hanako1990!", "Root password 1"). A name inside
    an otherwise strong password ("rosemary under the old bridge" for Rose) is not refused:
    NIST asks to block derivatives of the username, not every word that contains it."""
    squeezed = _SEPARATORS.sub("", fold(password))
    rest, used = squeezed, None
    for field, word in identity.words():
        if word in rest:
            rest, used = rest.replace(word, ""), used or field
    if used is None:
        return None
    rest = stem(rest).lstrip("0123456789")
    return used if len(rest) < MIN_REST or rest in common_passwords() else None
