"""Client secrets: 256 random bits shown once, stored as a keyed hash.

Why HMAC-SHA256 and not Argon2: a slow hash protects low-entropy secrets (passwords) from
offline guessing. A client secret is 256 bits from the OS random generator: nobody can guess
it, slow hash or not, so Argon2 would buy no security and cap the token endpoint at the ~100
hashes/s one core computes (each client_credentials grant verifies the secret). The hash is
keyed with a key derived from the server secret (crypto/sealing.derive_key), so the database
alone does not even allow checking a guess; comparison is constant-time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from monban.crypto.sealing import derive_key

PREFIX = "mbs_"


class ClientSecrets:
    def __init__(self, secret_key: str) -> None:
        self._key = derive_key(secret_key, "oidc-client-secret")

    def new(self) -> str:
        return PREFIX + secrets.token_urlsafe(32)

    def digest(self, client_id: str, secret: str) -> str:
        return hmac.new(self._key, f"{client_id}:{secret}".encode(), hashlib.sha256).hexdigest()

    def matches(self, client_id: str, secret: str, digest: str | None) -> bool:
        if not digest or not secret or len(secret) > 200:
            return False
        return hmac.compare_digest(self.digest(client_id, secret), digest)
