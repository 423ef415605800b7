"""RFC 7636 proof key (S256), and the random values of one authorization request."""

from __future__ import annotations

import base64
import hashlib
import secrets


def verifier() -> str:
    return secrets.token_urlsafe(48)


def challenge(code_verifier: str) -> str:
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
