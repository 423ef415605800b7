"""The UserInfo endpoint (OIDC Core §5.3): the person's claims for the token's scopes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from monban.accounts.model import Account
from monban.oidc import access_tokens
from monban.oidc.errors import OAuthError
from monban.oidc.id_tokens import person_claims
from monban.oidc.provider import Provider
from monban.store import accounts, oidc_tokens


def invalid_token(description: str) -> OAuthError:
    return OAuthError("invalid_token", description, 401)


async def userinfo(provider: Provider, token: str, issuer: str) -> dict[str, Any]:
    ring = await provider.ring()
    claims = access_tokens.read(token, ring.verifying, issuer,
                                int(provider.clock.now().timestamp()))
    if claims is None:
        raise invalid_token("the access token is not valid")
    if claims.gid is None:
        raise invalid_token("this token does not stand for a person")
    scopes = frozenset(claims.scope.split())
    if "openid" not in scopes:
        raise OAuthError("insufficient_scope", "the openid scope is required", 403)
    account = await provider.db.run(_live_account, claims.gid, claims.sub, write=False)
    if account is None:
        raise invalid_token("the grant was revoked")
    return person_claims(account, scopes)


def _live_account(conn: Connection, grant_id: str, sub: str) -> Account | None:
    if not oidc_tokens.grant_alive(conn, grant_id):
        return None
    account = accounts.get(conn, sub)
    return account if account is not None and not account.disabled else None
