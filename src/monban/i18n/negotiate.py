"""Which language to answer in: the account's, else Accept-Language, else the default."""

from __future__ import annotations

SUPPORTED = ("ja", "en")


def from_accept_language(header: str | None) -> str | None:
    """The best supported language in an Accept-Language header, or None."""
    if not header:
        return None
    best: tuple[float, str] | None = None
    for part in header.split(",")[:20]:
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.split("-")[0]
        if primary in SUPPORTED and quality > 0 and (best is None or quality > best[0]):
            best = (quality, primary)
    return best[1] if best else None


def choose(account_language: str | None, requested: str | None, default: str) -> str:
    for candidate in (account_language, requested, default):
        if candidate in SUPPORTED:
            return candidate
    return "en"
