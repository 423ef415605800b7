"""Upstream identity providers: rows of identity_providers (secrets stay sealed here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from monban.db.tables import identity_providers
from monban.errors import CatalogueError


@dataclass(frozen=True, slots=True)
class ProviderRow:
    id: str
    slug: str
    display_name: str
    protocol: str
    preset: str | None
    org_id: str | None
    issuer: str
    client_id: str
    client_secret_sealed: str
    config: dict[str, Any]
    auto_create: bool
    enabled: bool
    created_at: datetime


def _row(row: Row[Any]) -> ProviderRow:
    return ProviderRow(**row._mapping)


_BY_SLUG = select(identity_providers).where(identity_providers.c.slug == bindparam("v"))
_BY_ID = select(identity_providers).where(identity_providers.c.id == bindparam("v"))


def insert(conn: Connection, row: ProviderRow) -> None:
    try:
        with conn.begin_nested():
            conn.execute(identity_providers.insert().values(
                **{name: getattr(row, name) for name in ProviderRow.__slots__}))
    except IntegrityError as exc:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "slug",
                                                     "problem": "taken"}) from exc


def by_slug(conn: Connection, slug: str) -> ProviderRow | None:
    row = conn.execute(_BY_SLUG, {"v": slug}).first()
    return _row(row) if row else None


def by_id(conn: Connection, provider_id: str) -> ProviderRow | None:
    row = conn.execute(_BY_ID, {"v": provider_id}).first()
    return _row(row) if row else None


def list_all(conn: Connection, org_id: str | None = None, *, server_wide: bool = True
             ) -> Sequence[ProviderRow]:
    """Server-wide providers (if `server_wide`) and, with `org_id`, that org's own."""
    table = identity_providers
    conditions: list[ColumnElement[bool]] = []
    if server_wide:
        conditions.append(table.c.org_id.is_(None))
    if org_id is not None:
        conditions.append(table.c.org_id == org_id)
    if not conditions:
        return []
    rows = conn.execute(select(table).where(or_(*conditions)).order_by(table.c.display_name))
    return [_row(row) for row in rows]


def everything(conn: Connection) -> Sequence[ProviderRow]:
    rows = conn.execute(select(identity_providers).order_by(identity_providers.c.slug))
    return [_row(row) for row in rows]


def remove(conn: Connection, provider_id: str) -> bool:
    return conn.execute(delete(identity_providers).where(
        identity_providers.c.id == provider_id)).rowcount == 1
