"""UI strings: English msgids, translated from the Babel .po catalogs read at start-up.

Each language directory may hold several catalogs (messages.po, and one per capability such
as oidc.po); they are read in name order and merged."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"


@cache
def _messages(language: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for path in sorted((LOCALES / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        table.update({str(m.id): str(m.string) for m in catalog if m.id and m.string})
    return table


def N_(msgid: str) -> str:  # noqa: N802 - the conventional gettext marker
    """Marks a msgid translated later, where it is shown (a policy's label, say)."""
    return msgid


def gettext_for(language: str) -> Callable[..., str]:
    table = _messages(language)

    def gettext(message: str, **params: object) -> str:
        text = table.get(message, message)
        return text % params if params else text

    return gettext
