"""A person's display name: the one rule every write of it goes through (store/accounts.py
checks it on insert and update, so the API, the pages, the CLI, federation and import all
meet it).

A display name is shown in pages, mail headers and bodies, audit exports and ID tokens, so it
may hold no control or format character: no CR/LF (a header or log line split in two), no
NUL, no bidirectional overrides (U+202E turns `gpj.exe` around), no zero-width joiners.
That is Unicode general categories Cc (control), Cf (format), Zl and Zp (line and paragraph
separators), Co (private use) and Cn (unassigned). A typed name breaking this is refused
(INVALID_REQUEST, detail {"field": "display_name"}); a name from an upstream identity
provider's claims, which the person cannot edit here, is cleaned instead (`from_claim`)."""

from __future__ import annotations

import unicodedata

from monban.errors import CatalogueError

MAX_LENGTH = 200
_REFUSED = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn"})


def _refused(ch: str) -> bool:
    return unicodedata.category(ch) in _REFUSED


def check(raw: str) -> str:
    """The name as stored (surrounding spaces dropped), or INVALID_REQUEST (a trailing CR/LF
    is refused too, not dropped)."""
    name = raw.strip()
    if not name or len(name) > MAX_LENGTH or any(_refused(ch) for ch in raw):
        raise CatalogueError("INVALID_REQUEST", detail={"field": "display_name"})
    return name


def from_claim(raw: str) -> str:
    """An upstream claim made storable: refused characters become spaces, runs of white space
    one space, cut to the maximum length ("" when nothing is left)."""
    text = "".join(" " if _refused(ch) else ch for ch in raw)
    return " ".join(text.split())[:MAX_LENGTH]
