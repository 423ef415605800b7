"""Links between accounts and provider identities, unique on (issuer, subject)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from monban.db.tables import federated_links


@dataclass(frozen=True, slots=True)
class Link:
    id: str
    account_id: str
    provider_id: str
    issuer: str
    subject: str
    email: str | None
    linked_at: datetime
    last_used_at: datetime | None


def _row(row: Row[Any]) -> Link:
    return Link(**row._mapping)


_BY_SUBJECT = select(federated_links).where(
    (federated_links.c.issuer == bindparam("issuer"))
    & (federated_links.c.subject == bindparam("subject")))
_TOUCH = update(federated_links).where(federated_links.c.id == bindparam("link_id")).values(
    last_used_at=bindparam("now"), email=bindparam("email"))


def find(conn: Connection, issuer: str, subject: str) -> Link | None:
    row = conn.execute(_BY_SUBJECT, {"issuer": issuer, "subject": subject}).first()
    return _row(row) if row else None


def insert(conn: Connection, link: Link) -> bool:
    """False when (issuer, subject) is already linked (to anyone): one INSERT on the unique
    key, so two racing links of the same identity give one link."""
    try:
        with conn.begin_nested():
            conn.execute(federated_links.insert().values(
                **{name: getattr(link, name) for name in Link.__slots__}))
    except IntegrityError:
        return False
    return True


def touch(conn: Connection, link_id: str, now: datetime, email: str | None) -> None:
    conn.execute(_TOUCH, {"link_id": link_id, "now": now, "email": email})


def list_for(conn: Connection, account_id: str) -> Sequence[Link]:
    rows = conn.execute(select(federated_links).where(
        federated_links.c.account_id == account_id).order_by(federated_links.c.linked_at))
    return [_row(row) for row in rows]


def count_for(conn: Connection, account_id: str) -> int:
    return int(conn.execute(select(func.count()).select_from(federated_links).where(
        federated_links.c.account_id == account_id)).scalar_one())


def remove(conn: Connection, account_id: str, link_id: str) -> bool:
    return conn.execute(delete(federated_links).where(
        (federated_links.c.id == link_id)
        & (federated_links.c.account_id == account_id))).rowcount == 1
