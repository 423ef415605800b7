"""ID tokens (OIDC Core §2) and the claims of a person per scope (§5.4)."""

from __future__ import annotations

from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from monban.accounts.model import Account
from monban.oidc.keys import SigningKey

TTL = 3600
ALGORITHMS = ["ES256", "RS256"]


def person_claims(account: Account, scopes: set[str] | frozenset[str]) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": account.id}
    if "profile" in scopes:
        claims["name"] = account.display_name
        if account.username:
            claims["preferred_username"] = account.username
        claims["locale"] = account.language
        claims["zoneinfo"] = account.timezone
    if "email" in scopes and account.email:
        claims["email"] = account.email
        claims["email_verified"] = False
    if "phone" in scopes and account.phone:
        claims["phone_number"] = account.phone
        claims["phone_number_verified"] = False
    return claims


def issue(key: SigningKey, alg: str, issuer: str, *, account: Account, client_id: str,
          scopes: frozenset[str], now: int, auth_time: int | None, amr: list[str], acr: str,
          nonce: str | None) -> str:
    claims: dict[str, Any] = {**person_claims(account, scopes), "iss": issuer,
                              "aud": client_id, "azp": client_id, "iat": now,
                              "exp": now + TTL, "amr": amr, "acr": acr}
    if auth_time is not None:
        claims["auth_time"] = auth_time
    if nonce:
        claims["nonce"] = nonce
    return jwt.encode({"alg": alg, "typ": "JWT", "kid": key.kid}, claims, key)


def read_hint(token: str, keys: KeySet, issuer: str) -> dict[str, Any] | None:
    """An id_token_hint (RP-initiated logout): our signature and issuer; expiry ignored, as
    the logout spec allows."""
    if len(token) > 8192:
        return None
    try:
        decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError, KeyError):
        return None
    claims: dict[str, Any] = decoded.claims
    return claims if claims.get("iss") == issuer else None
