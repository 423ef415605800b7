"""The token endpoint (RFC 6749 §3.2): authorization_code (+ PKCE), refresh_token (rotation
with reuse detection that revokes the whole family), client_credentials.

`exchange` returns the JSON body of a successful response, or raises OAuthError. Every grant
and every refusal is audited (event `oidc.token`, the grant type, the client and the OAuth
error; never a code, token or secret). Refusals, reuse and authorization_code grants are
written at once; successful client_credentials and refresh_token grants, the two that run at
machine rates, in batches (Provider.audit_soon: one transaction per 250 ms)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from monban.accounts.model import Account
from monban.oidc import access_tokens, client_auth, id_tokens, pkce
from monban.oidc.clients import Client
from monban.oidc.errors import OAuthError, invalid_grant, invalid_request
from monban.oidc.provider import Provider
from monban.store import accounts, audit, oidc_tokens
from monban.store.ids import new_token, token_digest

GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")


@dataclass(frozen=True, slots=True)
class Caller:
    ip: str
    user_agent: str


async def exchange(provider: Provider, form: Mapping[str, str], authorization: str | None,
                   issuer: str, token_endpoint: str, caller: Caller) -> dict[str, Any]:
    grant_type = form.get("grant_type", "")
    client: Client | None = None
    try:
        if grant_type not in GRANT_TYPES:
            raise OAuthError("unsupported_grant_type", "grant_type is not supported")
        given = client_auth.credentials(authorization, form)
        client = await provider.authenticate(given, (token_endpoint, issuer))
        if not client.allows_grant(grant_type):
            raise OAuthError("unauthorized_client", f"this client may not use {grant_type}")
        if grant_type == "client_credentials":
            return await _client_credentials(provider, client, form, issuer, caller)
        if grant_type == "authorization_code":
            return await _authorization_code(provider, client, form, issuer, caller)
        return await _refresh_token(provider, client, form, issuer, caller)
    except OAuthError as error:
        await provider.db.run(_audit, provider.clock.now(), grant_type[:40], client, None,
                              caller, error.error)
        raise


async def _client_credentials(provider: Provider, client: Client, form: Mapping[str, str],
                              issuer: str, caller: Caller) -> dict[str, Any]:
    scope = _narrowed(form.get("scope"), frozenset(client.scopes) - {"openid", "offline_access"},
                      default=frozenset(client.scopes) - {"openid", "offline_access"})
    ring = await provider.ring()
    now = provider.clock.now()
    token = access_tokens.issue(ring.signing[client.signing_alg], client.signing_alg, issuer,
                                sub=client.id, client_id=client.id, scope=scope,
                                now=int(now.timestamp()), ttl=client.access_token_ttl,
                                grant_id=None)
    provider.audit_soon(_event(now, "client_credentials", client, None, caller, None))
    return _body(token, client, scope)


async def _authorization_code(provider: Provider, client: Client, form: Mapping[str, str],
                              issuer: str, caller: Caller) -> dict[str, Any]:
    code = form.get("code", "")
    if not code or len(code) > 200:
        raise invalid_request("code is required")
    now = provider.clock.now()
    refresh = new_token() if client.allows_grant("refresh_token") else None
    found = await provider.db.run(_redeem_code, token_digest(code), client,
                                  form.get("redirect_uri"), form.get("code_verifier"), now,
                                  refresh, caller)
    if isinstance(found, OAuthError):  # returned, not raised: a revocation must commit
        raise found
    grant, account, nonce = found
    body = await _tokens(provider, client, grant, account, issuer, now, nonce=nonce)
    if refresh:
        body["refresh_token"] = refresh
    return body


async def _refresh_token(provider: Provider, client: Client, form: Mapping[str, str],
                         issuer: str, caller: Caller) -> dict[str, Any]:
    presented = form.get("refresh_token", "")
    if not presented or len(presented) > 200:
        raise invalid_request("refresh_token is required")
    now = provider.clock.now()
    new = new_token()
    rotated = await provider.db.run(_rotate_refresh, token_digest(presented), client, now,
                                    new, caller)
    if isinstance(rotated, OAuthError):
        raise rotated
    grant, account = rotated
    if form.get("scope"):
        grant = _downscoped(grant, form["scope"])
    body = await _tokens(provider, client, grant, account, issuer, now, nonce=None)
    body["refresh_token"] = new
    provider.audit_soon(_event(now, "refresh_token", client, account, caller, None))
    return body


async def _tokens(provider: Provider, client: Client, grant: oidc_tokens.Grant,
                  account: Account, issuer: str, now: datetime, nonce: str | None
                  ) -> dict[str, Any]:
    ring = await provider.ring()
    key, alg = ring.signing[client.signing_alg], client.signing_alg
    at = int(now.timestamp())
    auth_time = int(grant.auth_time.timestamp()) if grant.auth_time else None
    amr = [v for v in grant.amr.split(",") if v]
    token = access_tokens.issue(key, alg, issuer, sub=account.id, client_id=client.id,
                                scope=grant.scope, now=at, ttl=client.access_token_ttl,
                                grant_id=grant.id, auth_time=auth_time, acr=grant.acr, amr=amr)
    body = _body(token, client, grant.scope)
    scopes = frozenset(grant.scope.split())
    if "openid" in scopes:
        body["id_token"] = id_tokens.issue(key, alg, issuer, account=account,
                                           client_id=client.id, scopes=scopes, now=at,
                                           auth_time=auth_time, amr=amr, acr=grant.acr,
                                           nonce=nonce)
    return body


def _body(token: str, client: Client, scope: str) -> dict[str, Any]:
    return {"access_token": token, "token_type": "Bearer",
            "expires_in": client.access_token_ttl, "scope": scope}


def _narrowed(requested: str | None, allowed: frozenset[str], default: frozenset[str]) -> str:
    if not requested:
        return " ".join(sorted(default))
    scopes = set(requested.split())
    if not scopes <= allowed:
        raise OAuthError("invalid_scope", "a requested scope is not allowed for this client")
    return " ".join(sorted(scopes))


def _downscoped(grant: oidc_tokens.Grant, requested: str) -> oidc_tokens.Grant:
    from dataclasses import replace

    scope = _narrowed(requested, frozenset(grant.scope.split()), frozenset())
    return replace(grant, scope=scope)


# -- in one transaction each ------------------------------------------------------------------
def _redeem_code(conn: Connection, digest: str, client: Client, redirect_uri: str | None,
                 verifier: str | None, now: datetime, refresh: str | None, caller: Caller
                 ) -> tuple[oidc_tokens.Grant, Account, str | None] | OAuthError:
    client_id = client.id
    code = oidc_tokens.take_code(conn, digest, now)
    if code is None:
        reused = oidc_tokens.grant_of_code(conn, digest)
        if reused is not None:  # RFC 6749 §4.1.2: revoke what the first redemption got
            oidc_tokens.revoke_grant(conn, reused, now)
            _audit_reuse(conn, now, client_id, "authorization_code")
        return invalid_grant("the code is not valid or was already used")
    if code.client_id != client_id:
        return invalid_grant("the code was issued to another client")
    if code.expires_at <= now:
        return invalid_grant("the code has expired")
    if redirect_uri != code.redirect_uri:
        return invalid_grant("redirect_uri does not match the authorization request")
    if code.code_challenge is not None:
        if not verifier or not pkce.verify(verifier, code.code_challenge):
            return invalid_grant("code_verifier does not match the code_challenge")
    elif verifier:
        return invalid_grant("code_verifier without a code_challenge")
    grant = oidc_tokens.get_grant(conn, code.grant_id)
    account = accounts.get(conn, grant.account_id) if grant and grant.account_id else None
    if grant is None or grant.revoked_at is not None or account is None or account.disabled:
        return invalid_grant("the grant is no longer valid")
    if refresh:
        oidc_tokens.insert_refresh(conn, token_digest(refresh), grant.id, now,
                                   now + timedelta(seconds=client.refresh_token_ttl))
    audit.record(conn, _event(now, "authorization_code", client, account, caller, None))
    return grant, account, code.nonce


def _rotate_refresh(conn: Connection, digest: str, client: Client, now: datetime, new: str,
                    caller: Caller) -> tuple[oidc_tokens.Grant, Account] | OAuthError:
    client_id = client.id
    taken = oidc_tokens.take_refresh(conn, digest, now)
    if taken is None:
        row = oidc_tokens.refresh(conn, digest)
        if row is not None:  # reuse of a rotated token: the family is compromised
            oidc_tokens.revoke_grant(conn, row["grant_id"], now)
            _audit_reuse(conn, now, client_id, "refresh_token")
        return invalid_grant("the refresh token is not valid or was already used")
    grant_id, expires_at = taken
    found = oidc_tokens.grant_and_account(conn, grant_id)
    if found is None or found[0].client_id != client_id:
        return invalid_grant("the refresh token was issued to another client")
    grant, account = found
    if grant.revoked_at is not None or expires_at <= now:
        return invalid_grant("the refresh token has expired or was revoked")
    if account.disabled:
        return invalid_grant("the account can no longer sign in")
    oidc_tokens.insert_refresh(conn, token_digest(new), grant.id, now,
                               now + timedelta(seconds=client.refresh_token_ttl))
    return grant, account


def _audit(conn: Connection, now: datetime, grant_type: str, client: Client | None,
           account: Account | None, caller: Caller, error: str | None) -> None:
    audit.record(conn, _event(now, grant_type, client, account, caller, error))


def _event(now: datetime, grant_type: str, client: Client | None, account: Account | None,
           caller: Caller, error: str | None) -> audit.AuditEvent:
    return audit.AuditEvent(
        at=now, event="oidc.token", outcome="failure" if error else "success",
        account_id=account.id if account else None,
        org_id=account.org_id if account else (client.org_id if client else None),
        ip=caller.ip, user_agent=caller.user_agent,
        detail={"grant_type": grant_type, "client_id": client.id if client else None,
                **({"error": error} if error else {})})


def _audit_reuse(conn: Connection, now: datetime, client_id: str, kind: str) -> None:
    audit.record(conn, audit.AuditEvent(
        at=now, event="oidc.token_reuse", outcome="failure",
        detail={"client_id": client_id, "kind": kind, "family": "revoked"}))
