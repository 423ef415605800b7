"""Browsers where an account's owner has signed in before (keyed by the device cookie)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from monban.db.tables import known_browsers
from monban.store.conflicts import insert_for

_KNOWN = select(known_browsers.c.device_id).where(
    (known_browsers.c.account_id == bindparam("a"))
    & (known_browsers.c.device_id == bindparam("d")))


def is_known(conn: Connection, account_id: str, device_id: str) -> bool:
    return conn.execute(_KNOWN, {"a": account_id, "d": device_id}).first() is not None


_REMEMBER: dict[str, Any] = {}


def remember(conn: Connection, account_id: str, device_id: str, now: datetime) -> None:
    dialect = conn.dialect.name
    statement = _REMEMBER.get(dialect)
    if statement is None:
        statement = _REMEMBER[dialect] = insert_for(conn, known_browsers).values(
            account_id=bindparam("a"), device_id=bindparam("d"), first_seen_at=bindparam("now"),
            last_seen_at=bindparam("now"),
        ).on_conflict_do_update(index_elements=["account_id", "device_id"],
                                set_={"last_seen_at": bindparam("now")})
    conn.execute(statement, {"a": account_id, "d": device_id, "now": now})
