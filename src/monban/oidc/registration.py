"""Registering, changing and removing clients (CLI, admin page and admin API call these).
A confidential client's secret is made here, returned once and only its keyed hash kept."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from monban.errors import CatalogueError
from monban.oidc import id_tokens, keys
from monban.oidc.clients import Client, checked
from monban.oidc.provider import Provider
from monban.store import audit, oidc_clients
from monban.store.oidc_keys import StoredKey


async def create(provider: Provider, client: Client, actor_id: str | None = None
                 ) -> tuple[Client, str | None]:
    now = provider.clock.now()
    client = replace(checked(client), id="mbc_" + secrets.token_urlsafe(18), created_at=now,
                     updated_at=now)
    secret = None if client.public else provider.secrets.new()
    if secret:
        client = replace(client, secret_digest=provider.secrets.digest(client.id, secret))
    await provider.db.run(_insert, client, actor_id, now)
    return client, secret


async def get(provider: Provider, client_id: str) -> Client:
    client = await provider.db.run(oidc_clients.get, client_id, write=False)
    if client is None:
        raise CatalogueError("NOT_FOUND")
    return client


async def update(provider: Provider, client: Client, changes: dict[str, Any],
                 actor_id: str | None = None) -> Client:
    allowed = {"name", "redirect_uris", "post_logout_redirect_uris", "scopes", "grants",
               "signing_alg", "allow_webview", "skip_consent", "access_token_ttl",
               "refresh_token_ttl", "jwks"}
    if set(changes) - allowed:
        raise CatalogueError("INVALID_REQUEST", detail={"field": sorted(set(changes) - allowed)[0]})
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in changes.items()}
    updated = checked(replace(client, **values))
    now = provider.clock.now()
    saved = await provider.db.run(_save, updated, actor_id, now)
    provider.forget_client(client.id)
    return saved


async def rotate_secret(provider: Provider, client: Client, actor_id: str | None = None
                        ) -> str:
    if client.public:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "public"})
    secret = provider.secrets.new()
    updated = replace(client, secret_digest=provider.secrets.digest(client.id, secret))
    await provider.db.run(_save, updated, actor_id, provider.clock.now(), "secret_rotated")
    provider.forget_client(client.id)
    return secret


async def delete(provider: Provider, client: Client, actor_id: str | None = None) -> None:
    await provider.db.run(_delete, client, actor_id, provider.clock.now())
    provider.forget_client(client.id)


async def rotate_keys(provider: Provider, alg: str) -> StoredKey:
    """A new signing key; the old one stays published until its tokens have expired (the
    longest access-token lifetime of any client, or an ID token's, whichever is longer)."""
    if alg not in ("ES256", "RS256"):
        raise CatalogueError("INVALID_REQUEST", detail={"field": "alg"})
    key = await provider.db.run(_rotate, alg, provider, provider.clock.now())
    provider.forget_keys()
    return key


def _rotate(conn: Connection, alg: str, provider: Provider, now: datetime) -> StoredKey:
    keep = max(oidc_clients.longest_access_ttl(conn), id_tokens.TTL) + 60
    key = keys.rotate(conn, alg, provider.sealer, now, timedelta(seconds=keep))
    audit.record(conn, audit.AuditEvent(at=now, event="oidc.key_rotated", outcome="success",
                                        detail={"alg": alg, "kid": key.kid}))
    return key


def _insert(conn: Connection, client: Client, actor_id: str | None, now: datetime) -> None:
    oidc_clients.insert(conn, client)
    _audit(conn, "oidc.client_created", client, actor_id, now)


def _save(conn: Connection, client: Client, actor_id: str | None, now: datetime,
          event: str = "oidc.client_updated") -> Client:
    saved = oidc_clients.save(conn, client, now)
    _audit(conn, event if event.startswith("oidc.") else f"oidc.client_{event}", client,
           actor_id, now)
    return saved


def _delete(conn: Connection, client: Client, actor_id: str | None, now: datetime) -> None:
    oidc_clients.remove(conn, client.id)
    _audit(conn, "oidc.client_deleted", client, actor_id, now)


def _audit(conn: Connection, event: str, client: Client, actor_id: str | None,
           now: datetime) -> None:
    audit.record(conn, audit.AuditEvent(at=now, event=event, outcome="success",
                                        org_id=client.org_id, actor_id=actor_id,
                                        detail={"client_id": client.id, "name": client.name}))
