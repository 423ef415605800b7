"""Signing keys of the OpenID Connect provider (oidc/keys.py): the private half sealed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, update

from monban.db.tables import oidc_keys


@dataclass(frozen=True, slots=True)
class StoredKey:
    kid: str
    alg: str
    public_jwk: dict[str, Any]
    private_sealed: str
    created_at: datetime
    retired_at: datetime | None
    publish_until: datetime | None


_PUBLISHED = select(oidc_keys).where(
    or_(oidc_keys.c.publish_until.is_(None), oidc_keys.c.publish_until > bindparam("now"))
).order_by(oidc_keys.c.created_at.desc())
_INSERT = oidc_keys.insert()
_RETIRE = update(oidc_keys).where(
    (oidc_keys.c.alg == bindparam("a")) & oidc_keys.c.retired_at.is_(None)
).values(retired_at=bindparam("now"), publish_until=bindparam("until"))


def published(conn: Connection, now: datetime) -> Sequence[StoredKey]:
    return [StoredKey(**row._mapping) for row in conn.execute(_PUBLISHED, {"now": now})]


def insert(conn: Connection, key: StoredKey) -> None:
    conn.execute(_INSERT, {name: getattr(key, name) for name in StoredKey.__slots__})


def retire(conn: Connection, alg: str, now: datetime, until: datetime) -> int:
    return conn.execute(_RETIRE, {"a": alg, "now": now, "until": until}).rowcount
