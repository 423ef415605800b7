"""Signing keys (ES256 by default, RS256 available): generated on first start, the private
half sealed at rest (crypto/sealing.py, bound to the kid), rotated by `monban keys rotate`.
A rotated key stops signing at once and stays in the JWKS (and usable for verification)
until every token it signed has expired (`publish_until`).

The ring is cached in memory and reloaded every RELOAD seconds, so a rotation made by the
CLI or another node is seen without a restart."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from joserfc.jwk import ECKey, KeySet, RSAKey
from sqlalchemy import Connection

from monban.crypto.sealing import Sealer
from monban.oidc.clients import ALGS
from monban.store import oidc_keys
from monban.store.oidc_keys import StoredKey

RELOAD = 30.0
SigningKey = ECKey | RSAKey


def generate(alg: str, sealer: Sealer, now: datetime) -> StoredKey:
    key: SigningKey
    if alg == "ES256":
        key = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": alg}, auto_kid=True)
    else:
        key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": alg}, auto_kid=True)
    kid = str(key.kid)
    private = key.as_pem(private=True).decode()
    return StoredKey(kid=kid, alg=alg, public_jwk=key.as_dict(private=False),
                     private_sealed=sealer.seal(private, f"oidc-key:{kid}"), created_at=now,
                     retired_at=None, publish_until=None)


def ensure(conn: Connection, sealer: Sealer, now: datetime) -> int:
    """Creates a signing key for each algorithm that has none (first start). Returns how many."""
    have = {k.alg for k in oidc_keys.published(conn, now) if k.retired_at is None}
    made = 0
    for alg in ALGS:
        if alg not in have:
            oidc_keys.insert(conn, generate(alg, sealer, now))
            made += 1
    return made


def rotate(conn: Connection, alg: str, sealer: Sealer, now: datetime,
           keep_for: timedelta) -> StoredKey:
    """A new signing key for `alg`; the old one is published for `keep_for` more."""
    oidc_keys.retire(conn, alg, now, now + keep_for)
    key = generate(alg, sealer, now)
    oidc_keys.insert(conn, key)
    return key


@dataclass(frozen=True, slots=True)
class Ring:
    signing: dict[str, SigningKey]
    """alg -> the key that signs now"""
    verifying: KeySet
    """every published key, retired ones included"""
    jwks: dict[str, Any]


class KeyRing:
    def __init__(self, sealer: Sealer) -> None:
        self._sealer = sealer
        self._ring: Ring | None = None
        self._loaded = 0.0

    def current(self) -> Ring | None:
        if self._ring is not None and time.monotonic() - self._loaded < RELOAD:
            return self._ring
        return None

    def load(self, conn: Connection, now: datetime) -> Ring:
        stored = oidc_keys.published(conn, now)
        signing: dict[str, SigningKey] = {}
        keys: list[Any] = []
        for item in stored:  # newest first
            pem = self._sealer.open(item.private_sealed, f"oidc-key:{item.kid}")
            key: SigningKey = (ECKey if item.alg == "ES256" else RSAKey).import_key(
                pem, parameters={"kid": item.kid, "use": "sig", "alg": item.alg})
            keys.append(key)
            if item.retired_at is None and item.alg not in signing:
                signing[item.alg] = key
        ring = Ring(signing=signing, verifying=KeySet(keys),
                    jwks={"keys": [item.public_jwk for item in stored]})
        self._ring, self._loaded = ring, time.monotonic()
        return ring

    def forget(self) -> None:
        self._ring = None
