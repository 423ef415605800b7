"""Browsers trusted to skip MFA until a date ("trust this browser")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, select, update

from monban.db.tables import trusted_browsers
from monban.store.conflicts import insert_for


@dataclass(frozen=True, slots=True)
class TrustedBrowser:
    id: str
    account_id: str
    device_id: str
    name: str
    ip: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime


def is_trusted(conn: Connection, account_id: str, device_id: str, now: datetime) -> bool:
    row = conn.execute(select(trusted_browsers.c.id).where(
        (trusted_browsers.c.account_id == account_id)
        & (trusted_browsers.c.device_id == device_id)
        & (trusted_browsers.c.expires_at > now))).first()
    if row is not None:
        conn.execute(update(trusted_browsers).where(trusted_browsers.c.id == row[0])
                     .values(last_used_at=now))
    return row is not None


def trust(conn: Connection, browser: TrustedBrowser) -> None:
    statement = insert_for(conn, trusted_browsers).values(
        id=browser.id, account_id=browser.account_id, device_id=browser.device_id,
        name=browser.name, ip=browser.ip, created_at=browser.created_at,
        expires_at=browser.expires_at, last_used_at=browser.last_used_at)
    conn.execute(statement.on_conflict_do_update(
        index_elements=["account_id", "device_id"],
        set_={"expires_at": browser.expires_at, "name": browser.name, "ip": browser.ip,
              "last_used_at": browser.last_used_at}))


def list_for(conn: Connection, account_id: str, now: datetime) -> Sequence[TrustedBrowser]:
    rows = conn.execute(select(trusted_browsers).where(
        (trusted_browsers.c.account_id == account_id) & (trusted_browsers.c.expires_at > now))
        .order_by(trusted_browsers.c.last_used_at.desc()))
    return [TrustedBrowser(**row._mapping) for row in rows]


def remove(conn: Connection, account_id: str, browser_id: str) -> bool:
    return conn.execute(delete(trusted_browsers).where(
        (trusted_browsers.c.id == browser_id)
        & (trusted_browsers.c.account_id == account_id))).rowcount == 1


def remove_all(conn: Connection, account_id: str) -> int:
    return conn.execute(delete(trusted_browsers).where(
        trusted_browsers.c.account_id == account_id)).rowcount
