"""Identifiers for rows and bearer secrets."""

from __future__ import annotations

import hashlib
import secrets


def new_id() -> str:
    """A 128-bit random row id, hex."""
    return secrets.token_hex(16)


def new_token() -> str:
    """A 256-bit random bearer secret, URL-safe, never starting with "-": people paste these
    ids into commands (`monban-authenticator approve ID`), where a leading "-" reads as an
    option (one in 64 did, and the app then approved nothing)."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def token_digest(token: str) -> str:
    """How a bearer secret is stored: its SHA-256, so a database leak hands out no session."""
    return hashlib.sha256(token.encode()).hexdigest()
