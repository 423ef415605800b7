"""Secrets Monban must read back (TOTP seeds) are stored sealed with AES-256-GCM under a key
derived (HKDF-SHA256) from the server secret, so a copy of the database alone reveals none."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"


def derive_key(secret_key: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"monban:{purpose}".encode()).derive(secret_key.encode())


class Sealer:
    def __init__(self, secret_key: str) -> None:
        self._aead = AESGCM(derive_key(secret_key, "sealing"))

    def seal(self, plaintext: str, context: str) -> str:
        """`context` (e.g. the account id) is bound in: a sealed value moved to another row
        does not open."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return f"{VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str, context: str) -> str:
        version, _, body = sealed.partition(".")
        if version != VERSION:
            raise ValueError("unknown sealing version")
        raw = base64.urlsafe_b64decode(body)
        return self._aead.decrypt(raw[:12], raw[12:], context.encode()).decode()
