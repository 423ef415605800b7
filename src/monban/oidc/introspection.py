"""Token introspection (RFC 7662). The caller is a client that authenticates (any
confidential client: a resource server registers as one). An access token is active when its
signature (a published key), issuer and expiry hold and, for a person's token, its grant was
not revoked; a refresh token when it is unused, unexpired and its grant alive."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from monban.oidc import access_tokens, client_auth
from monban.oidc.errors import invalid_client, invalid_request
from monban.oidc.provider import Provider
from monban.store import oidc_tokens
from monban.store.ids import token_digest

INACTIVE: dict[str, Any] = {"active": False}


async def authenticated_caller(provider: Provider, form: Mapping[str, str],
                               authorization: str | None, audiences: tuple[str, ...]) -> str:
    given = client_auth.credentials(authorization, form)
    if given.method == "none":
        raise invalid_client("this endpoint needs client authentication")
    client = await provider.authenticate(given, audiences)
    return client.id


async def introspect(provider: Provider, form: Mapping[str, str], authorization: str | None,
                     issuer: str, audiences: tuple[str, ...]) -> dict[str, Any]:
    await authenticated_caller(provider, form, authorization, audiences)
    token = form.get("token", "")
    if not token:
        raise invalid_request("token is required")
    now = int(provider.clock.now().timestamp())
    if form.get("token_type_hint") != "refresh_token":
        ring = await provider.ring()
        claims = access_tokens.read(token, ring.verifying, issuer, now)
        if claims is not None:
            if await provider.client(claims.client_id) is None:  # the app was removed
                return INACTIVE
            if claims.gid is not None and not await provider.db.run(
                    oidc_tokens.grant_alive, claims.gid, write=False):
                return INACTIVE
            return {"active": True, "scope": claims.scope, "client_id": claims.client_id,
                    "sub": claims.sub, "exp": claims.exp, "iat": claims.iat, "iss": issuer,
                    "token_type": "Bearer", "jti": claims.jti,
                    **({"auth_time": claims.auth_time} if claims.auth_time else {})}
    if len(token) > 200:
        return INACTIVE
    found = await provider.db.run(_refresh_state, token_digest(token), write=False)
    if found is None:
        return INACTIVE
    grant, expires_at, used_at = found
    if used_at is not None or grant.revoked_at is not None or \
            int(expires_at.timestamp()) <= now:
        return INACTIVE
    return {"active": True, "scope": grant.scope, "client_id": grant.client_id,
            "sub": grant.account_id, "exp": int(expires_at.timestamp()), "iss": issuer,
            "token_type": "refresh_token"}


def _refresh_state(conn: Connection, digest: str) -> tuple[oidc_tokens.Grant, Any, Any] | None:
    row = oidc_tokens.refresh(conn, digest)
    if row is None:
        return None
    grant = oidc_tokens.get_grant(conn, row["grant_id"])
    return (grant, row["expires_at"], row["used_at"]) if grant else None
