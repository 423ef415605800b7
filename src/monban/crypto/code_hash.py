"""Keyed hashes (HMAC-SHA256 with a key derived from the server secret) of short one-time
codes: backup codes and SMS/email codes. Fast enough to look codes up in one statement;
useless to anyone holding only the database, and the attempt lockout bounds online guessing."""

from __future__ import annotations

import hashlib
import hmac

from monban.crypto.sealing import derive_key


class CodeHasher:
    def __init__(self, secret_key: str) -> None:
        self._key = derive_key(secret_key, "codes")

    def digest(self, purpose: str, code: str) -> str:
        normal = "".join(ch for ch in code if ch.isalnum()).upper()
        return hmac.new(self._key, f"{purpose}:{normal}".encode(), hashlib.sha256).hexdigest()
