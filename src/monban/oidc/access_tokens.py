"""Access tokens as JWTs (RFC 9068): `typ: at+jwt`, signed with the provider's key, carrying
the grant id (`gid`) so introspection and UserInfo can tell a revoked family."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from monban.oidc.keys import SigningKey

TYP = "at+jwt"
ALGORITHMS = ["ES256", "RS256"]
_JTI_PREFIX = secrets.token_urlsafe(9)
_jti_counter = itertools.count()


def new_jti() -> str:
    """Unique per token: a random per-process prefix (72 bits) and a counter; one urandom
    call per token was a tenth of a client_credentials grant's time."""
    return f"{_JTI_PREFIX}{next(_jti_counter):x}"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    sub: str
    client_id: str
    scope: str
    exp: int
    iat: int
    jti: str
    gid: str | None
    auth_time: int | None
    raw: dict[str, Any]


def issue(key: SigningKey, alg: str, issuer: str, *, sub: str, client_id: str, scope: str,
          now: int, ttl: int, grant_id: str | None, auth_time: int | None = None,
          acr: str | None = None, amr: list[str] | None = None) -> str:
    claims: dict[str, Any] = {"iss": issuer, "sub": sub, "aud": issuer, "client_id": client_id,
                              "iat": now, "exp": now + ttl, "jti": new_jti(),
                              "scope": scope}
    if grant_id:
        claims["gid"] = grant_id
    if auth_time is not None:
        claims["auth_time"] = auth_time
    if acr:
        claims["acr"] = acr
    if amr:
        claims["amr"] = amr
    return jwt.encode({"alg": alg, "typ": TYP, "kid": key.kid}, claims, key)


VERIFIED_CACHE_SIZE = 4096
_verified: dict[tuple[str, str], AccessClaims] = {}


def read(token: str, keys: KeySet, issuer: str, now: int) -> AccessClaims | None:
    """The claims of a valid, unexpired access token from this issuer; None otherwise.
    (Whether its grant was revoked is the caller's question: it needs the database.)

    A resource server introspects the same token on every request it serves, and an ES256
    verification is most of an introspection's time: tokens whose signature was verified are
    remembered (up to VERIFIED_CACHE_SIZE, the oldest dropped first). A signature once valid
    stays valid; expiry is checked on every call, and a key leaves the JWKS only after every
    token it signed has expired."""
    if len(token) > 4096 or token.count(".") != 2:
        return None
    cached = _verified.get((issuer, token))
    if cached is not None:
        return cached if cached.exp > now else None
    claims = _verify(token, keys, issuer, now)
    if claims is not None:
        if len(_verified) >= VERIFIED_CACHE_SIZE:
            del _verified[next(iter(_verified))]
        _verified[(issuer, token)] = claims
    return claims


def _verify(token: str, keys: KeySet, issuer: str, now: int) -> AccessClaims | None:
    try:
        decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError, KeyError):
        return None
    header, claims = decoded.header, decoded.claims
    if header.get("typ") != TYP or claims.get("iss") != issuer:
        return None
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= now:
        return None
    gid = claims.get("gid")
    auth_time = claims.get("auth_time")
    return AccessClaims(sub=str(claims.get("sub")), client_id=str(claims.get("client_id")),
                        scope=str(claims.get("scope", "")), exp=exp,
                        iat=int(claims.get("iat", 0)), jti=str(claims.get("jti", "")),
                        gid=gid if isinstance(gid, str) else None,
                        auth_time=auth_time if isinstance(auth_time, int) else None,
                        raw=claims)
