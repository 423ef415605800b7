"""Token revocation (RFC 7009). Revoking a refresh token, or a person's access token,
revokes its whole grant (the refresh family and every access token carrying its `gid`).
A client may only revoke its own tokens; anything else (unknown, foreign, client-credentials
access tokens, which are short-lived and not stored) answers 200 as §2.2 says."""

from __future__ import annotations

from collections.abc import Mapping

from monban.oidc import access_tokens
from monban.oidc.errors import invalid_request
from monban.oidc.provider import Provider
from monban.store import oidc_tokens
from monban.store.ids import token_digest


async def revoke(provider: Provider, form: Mapping[str, str], authorization: str | None,
                 issuer: str, audiences: tuple[str, ...]) -> None:
    caller = await _caller(provider, form, authorization, audiences)
    token = form.get("token", "")
    if not token:
        raise invalid_request("token is required")
    now = provider.clock.now()
    grant_id: str | None = None
    ring = await provider.ring()
    claims = access_tokens.read(token, ring.verifying, issuer, int(now.timestamp()))
    if claims is not None and claims.client_id == caller:
        grant_id = claims.gid
    elif len(token) <= 200:
        row = await provider.db.run(oidc_tokens.refresh, token_digest(token), write=False)
        if row is not None:
            grant = await provider.db.run(oidc_tokens.get_grant, row["grant_id"], write=False)
            if grant is not None and grant.client_id == caller:
                grant_id = grant.id
    if grant_id is not None:
        await provider.db.run(oidc_tokens.revoke_grant, grant_id, now)


async def _caller(provider: Provider, form: Mapping[str, str], authorization: str | None,
                  audiences: tuple[str, ...]) -> str:
    """Public clients revoke with their client_id alone (RFC 7009 §2.1 allows it)."""
    from monban.oidc import client_auth

    given = client_auth.credentials(authorization, form)
    client = await provider.authenticate(given, audiences)
    return client.id
