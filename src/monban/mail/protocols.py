"""The protocols an app-specific password is good for (and nothing else: not the web)."""

from __future__ import annotations

MAIL_PROTOCOLS = frozenset({"imap", "pop3", "smtp", "caldav", "carddav"})


def protocol_of(raw: str) -> str | None:
    """nginx says "imap"/"pop3"/"smtp", Dovecot says "imap"/"pop3"/"submission"/"lmtp"..."""
    name = raw.strip().lower()
    name = {"pop": "pop3", "submission": "smtp", "smtps": "smtp", "imaps": "imap",
            "pop3s": "pop3"}.get(name, name)
    return name if name in MAIL_PROTOCOLS else None
