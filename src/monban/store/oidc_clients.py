"""Registered OpenID Connect clients (oidc/clients.py), pre-built statements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, select, update

from monban.db.tables import oidc_clients
from monban.oidc.clients import Client

_TUPLES = ("redirect_uris", "post_logout_redirect_uris", "scopes", "grants")
_COLUMNS = tuple(c.name for c in oidc_clients.columns)
_GET = select(oidc_clients).where(oidc_clients.c.id == bindparam("v"))
_INSERT = oidc_clients.insert()
_DELETE = delete(oidc_clients).where(oidc_clients.c.id == bindparam("v"))


def from_row(row: Row[Any]) -> Client:
    m = dict(row._mapping)
    for name in _TUPLES:
        m[name] = tuple(m[name])
    return Client(**m)


def _values(client: Client) -> dict[str, Any]:
    values = {name: getattr(client, name) for name in _COLUMNS}
    for name in _TUPLES:
        values[name] = list(values[name])
    return values


def get(conn: Connection, client_id: str) -> Client | None:
    row = conn.execute(_GET, {"v": client_id}).first()
    return from_row(row) if row else None


def insert(conn: Connection, client: Client) -> None:
    conn.execute(_INSERT, _values(client))


def save(conn: Connection, client: Client, now: datetime) -> Client:
    client = replace(client, updated_at=now)
    values = _values(client)
    values.pop("id")
    values.pop("created_at")
    conn.execute(update(oidc_clients).where(oidc_clients.c.id == client.id).values(**values))
    return client


def remove(conn: Connection, client_id: str) -> bool:
    return conn.execute(_DELETE, {"v": client_id}).rowcount == 1


def list_all(conn: Connection, org_id: str | None = None) -> Sequence[Client]:
    statement = select(oidc_clients).order_by(oidc_clients.c.created_at)
    if org_id is not None:
        statement = statement.where(oidc_clients.c.org_id == org_id)
    return [from_row(row) for row in conn.execute(statement)]


def longest_access_ttl(conn: Connection) -> int:
    from sqlalchemy import func

    value = conn.execute(select(func.max(oidc_clients.c.access_token_ttl))).scalar()
    return int(value or 0)
