"""Monban's CPU per federated sign-in answer: the ID token check (federation/oidc_client.py:
joserfc decode against the provider's JWKS, then iss/aud/exp/iat/nonce/sub), against the
Argon2id password verify a password sign-in costs with the server's default parameters, both
measured in the same run on this machine; the raw RS256 signature verify is shown too.

    python bench/federation_id_token.py [--seconds 2]

Prints checks/s, Argon2id verifies/s and their ratio (goal >= 10: answering a provider costs
Monban at most a tenth of what checking a password does), and how much of a check is the
signature itself. The token is signed like oidc-provider's (RS256, 2048-bit key, kid)."""

from __future__ import annotations

import argparse
import asyncio
import base64
import time
from datetime import UTC, datetime

from argon2 import PasswordHasher
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from monban.config import Settings
from monban.federation.metadata import Endpoints, MetadataCache
from monban.federation.oidc_client import OidcClient
from monban.federation.provider import Provider

ISSUER = "https://idp.example"
GOAL = 10.0


def _token(key: RSAKey, now: int) -> str:
    claims = {"iss": ISSUER, "sub": "user-1", "aud": "client-1", "iat": now, "exp": now + 600,
              "nonce": "n-1", "email": "a@example.org", "email_verified": True}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


class _Cache(MetadataCache):
    def __init__(self, keys: KeySet) -> None:
        self._keyset = keys

    async def keys(self, provider: Provider, jwks_uri: str, refresh: bool = False) -> KeySet:
        return self._keyset


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
    now = int(time.time())
    token = _token(key, now)
    keys = KeySet.import_key_set({"keys": [key.as_dict(private=False)]})
    provider = Provider(id="p", slug="p", display_name="P", protocol="oidc", preset=None,
                        org_id=None, issuer=ISSUER, client_id="client-1", client_secret="s",
                        config={}, auto_create=False, enabled=True,
                        created_at=datetime.now(UTC))
    client = OidcClient(None, _Cache(keys))  # type: ignore[arg-type]
    endpoints = Endpoints("a", "t", None, "https://idp.example/jwks", ("RS256",))

    async def checks() -> float:
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            await client._verified_claims(provider, endpoints, token, "n-1", now)
            count += 1
        return count / (time.perf_counter() - start)

    head, payload, signature = token.split(".")
    signed = f"{head}.{payload}".encode()
    raw_signature = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    public = key.public_key

    def raw() -> float:
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            public.verify(raw_signature, signed, padding.PKCS1v15(), hashes.SHA256())
            count += 1
        return count / (time.perf_counter() - start)

    defaults = Settings()
    hasher = PasswordHasher(memory_cost=defaults.argon2_memory_kib,
                            time_cost=defaults.argon2_time_cost,
                            parallelism=defaults.argon2_parallelism)
    stored = hasher.hash("correct horse battery staple")

    def argon2() -> float:
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            hasher.verify(stored, "correct horse battery staple")
            count += 1
        return count / (time.perf_counter() - start)

    argon_before = argon2()
    checked = asyncio.run(checks())
    argon_after = argon2()
    signatures = raw()
    baseline = (argon_before + argon_after) / 2
    ratio = checked / baseline
    print(f"ID token checks/s: {checked:,.0f}")
    print(f"Argon2id verifies/s ({defaults.argon2_memory_kib} KiB, t={defaults.argon2_time_cost}):"
          f" {baseline:,.1f} (before {argon_before:,.1f}, after {argon_after:,.1f})")
    print(f"ratio: {ratio:,.0f} (goal >= {GOAL:.0f}) {'OK' if ratio >= GOAL else 'BELOW GOAL'}")
    print(f"raw RS256 verifies/s: {signatures:,.0f} (the signature is "
          f"{checked / signatures:.0%} of a check; the rest is joserfc's parsing)")


if __name__ == "__main__":
    main()
